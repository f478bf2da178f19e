import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "vocab_path": os.path.join(HERE, "chat_vocab.txt"),
    "max_len": 24,
    "hidden_size": 48,
    "layers": 1,
    "heads": 4,
    "pooling": "cls+mean",
    "dropout": 0.1,
    "lr": 5e-4,
    "batch_size": 16,
    "epochs": 1,
    "seed": 3,
}
MOD_LABELS = ["ok", "toxic", "spam", "griefing_callout"]
CONTEXT_FEATS = ["sender_reports_30d", "msgs_last_min", "is_all_chat"]

GAME_WORDS = ["gg", "wp", "mid", "top", "bot", "jungle", "gank", "ward", "drag", "baron", "push",
              "b", "back", "ult", "ff", "report", "noob", "trash", "uninstall", "feeder", "ez",
              "lol", "ty", "np", "nice", "go", "team", "fight", "now", "buy", "skins", "cheap",
              "free", "gold", "site", "www", "com", "afk", "int", "inting", "he", "is", "on",
              "purpose", "plz", "your", "mom", "bad", "trade", "me", "follow", "stream", "you"]

TEMPLATES = {
    "ok": [["gg", "wp"], ["gank", "mid", "now"], ["ward", "drag", "plz"], ["ty", "np"], ["go", "baron"]],
    "toxic": [["noob", "team"], ["uninstall", "trash"], ["your", "mom", "bad"], ["ez", "lol", "noob"]],
    "spam": [["buy", "cheap", "gold", "www", "site", "com"], ["free", "skins", "follow", "stream"]],
    "griefing_callout": [["report", "bot", "feeder"], ["he", "is", "inting", "on", "purpose"], ["afk", "top", "ff"]],
}


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + sorted(set(GAME_WORDS)):
            f.write(tok + "\n")


def synth_chat(n, rng):
    msgs, labels, ctx = [], [], []
    for _ in range(n):
        lab = rng.choices(MOD_LABELS, weights=[6, 2, 1, 1])[0]
        words = list(rng.choice(TEMPLATES[lab]))
        words += rng.sample(GAME_WORDS, k=rng.randint(0, 4))
        rng.shuffle(words)
        msgs.append(" ".join(words))
        labels.append(MOD_LABELS.index(lab))
        reports = rng.randint(0, 3) + (4 if lab != "ok" else 0)
        ctx.append([float(reports), float(rng.randint(1, 12)), float(rng.random() < 0.3)])
    return msgs, labels, ctx


def encode(tokenizer, msgs):
    enc = tokenizer(msgs, padding="max_length", truncation=True, max_length=CFG["max_len"],
                    return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def pool(hidden, mask, how):
    cls = hidden[:, 0]
    m = mask.unsqueeze(-1).float()
    mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
    if how == "cls":
        return cls
    if how == "mean":
        return mean
    if how == "cls+mean":
        return torch.cat([cls, mean], dim=-1)
    raise ValueError(how)


class ChatModerator(nn.Module):
    def __init__(self, vocab_size, n_ctx, n_labels):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=CFG["hidden_size"],
            num_hidden_layers=CFG["layers"],
            num_attention_heads=CFG["heads"],
            intermediate_size=4 * CFG["hidden_size"],
            max_position_embeddings=64,
            hidden_dropout_prob=CFG["dropout"],
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.ctx_norm = nn.LayerNorm(n_ctx)
        self.drop = nn.Dropout(CFG["dropout"])
        pool_mult = 2 if CFG["pooling"] == "cls+mean" else 1
        self.classifier = nn.Linear(pool_mult * self.encoder.config.hidden_size + n_ctx, n_labels)

    def forward(self, input_ids, attention_mask, ctx):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        text_vec = pool(out.last_hidden_state, attention_mask, CFG["pooling"])
        feats = torch.cat([text_vec, self.ctx_norm(ctx)], dim=-1)
        return self.classifier(self.drop(feats))


def main():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    write_vocab(CFG["vocab_path"])
    tokenizer = BertTokenizer(CFG["vocab_path"])

    msgs, labels, ctx = synth_chat(400, rng)
    input_ids, attn = encode(tokenizer, msgs)
    ds = TensorDataset(input_ids, attn, torch.tensor(ctx), torch.tensor(labels))
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True)

    model = ChatModerator(tokenizer.vocab_size, len(CONTEXT_FEATS), len(MOD_LABELS))
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"], weight_decay=0.01)
    class_w = torch.tensor([0.5, 1.5, 2.0, 2.0])
    loss_fn = nn.CrossEntropyLoss(weight=class_w)

    for epoch in range(CFG["epochs"]):
        model.train()
        correct = seen = 0
        for ids, am, cx, y in loader:
            logits = model(ids, am, cx)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (logits.argmax(-1) == y).sum().item()
            seen += y.numel()
        print(f"epoch {epoch} loss {loss.item():.4f} train acc {correct / seen:.3f}")

    model.eval()
    test = ["gg wp ty", "buy cheap gold www site com", "report bot feeder he is inting"]
    t_ids, t_am = encode(tokenizer, test)
    t_ctx = torch.tensor([[0.0, 2.0, 1.0], [1.0, 10.0, 1.0], [5.0, 6.0, 0.0]])
    with torch.no_grad():
        pred = model(t_ids, t_am, t_ctx).argmax(-1).tolist()
    for m, p in zip(test, pred):
        print(f"{m!r:40s} -> {MOD_LABELS[p]}")


if __name__ == "__main__":
    main()
