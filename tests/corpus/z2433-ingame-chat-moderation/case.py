"""In-game chat moderation: classify all-chat lines as clean / toxic / spam
with a tiny BERT trained from scratch on our own chat vocabulary."""
import os
import random
from collections import Counter

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CFG = {
    "seed": 13,
    "min_freq": 2,
    "max_len": 24,
    "batch_size": 16,
    "epochs": 2,
    "lr": 5e-4,
    "hidden": 32,
    "labels": ["clean", "toxic", "spam"],
}
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# twitch/7tv emotes and anonymised handles show up as single tokens in the chat logs
EMOTE_TOKENS = ["<kappa>", "<pogchamp>", "<lul>", "<monkas>", "<ez>"]
HANDLE_TOKEN = "<player>"

random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

CLEAN = ["gg wp", "nice ward {p}", "push mid now", "wait for ult", "smoke up top",
         "good game all", "rosh in 30", "{e} nice play {p}", "buy detection pls", "back back"]
TOXIC = ["{p} is trash uninstall", "report {p} feeding", "ez noobs {e}", "you are so bad {p}",
         "stupid team {e}", "{p} worst carry ever", "go afk idiot", "trash mid {e} {e}"]
SPAM = ["buy cheap gold at site {e}", "free skins click link", "{e} {e} {e} {e}",
        "follow my stream {e}", "cheap boost mmr dm me", "free gold free gold"]


def fake_chat_log(n=900):
    rows = []
    for _ in range(n):
        label = random.choices([0, 1, 2], weights=[0.6, 0.25, 0.15])[0]
        tmpl = random.choice([CLEAN, TOXIC, SPAM][label])
        line = tmpl.replace("{p}", HANDLE_TOKEN)
        while "{e}" in line:
            line = line.replace("{e}", random.choice(EMOTE_TOKENS), 1)
        rows.append((line, label))
    return rows


def build_vocab(lines, min_freq):
    counts = Counter(w for line in lines for w in line.split() if not w.startswith("<"))
    words = sorted(w for w, c in counts.items() if c >= min_freq)
    return SPECIALS + words


def build_tokenizer(rows, workdir):
    vocab = build_vocab([r[0] for r in rows], CFG["min_freq"])
    vocab_path = os.path.join(workdir, "chat_vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path, do_lower_case=True)
    tok.add_tokens(EMOTE_TOKENS + [HANDLE_TOKEN])
    return tok


def batches(rows, tok, batch_size, shuffle=True):
    idx = list(range(len(rows)))
    if shuffle:
        random.shuffle(idx)
    for s in range(0, len(idx), batch_size):
        chunk = [rows[i] for i in idx[s:s + batch_size]]
        enc = tok([c[0] for c in chunk], padding=True, truncation=True,
                  max_length=CFG["max_len"], return_tensors="pt")
        enc["labels"] = torch.tensor([c[1] for c in chunk])
        yield enc


def make_model(tok):
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=CFG["hidden"],
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(CFG["labels"]),
        pad_token_id=tok.pad_token_id,
    )
    return BertForSequenceClassification(config)


@torch.no_grad()
def evaluate(model, rows, tok):
    model.eval()
    hits = 0
    for enc in batches(rows, tok, 64, shuffle=False):
        pred = model(**enc).logits.argmax(-1)
        hits += (pred == enc["labels"]).sum().item()
    return hits / len(rows)


def main():
    workdir = os.path.dirname(os.path.abspath(__file__))
    rows = fake_chat_log()
    split = int(0.8 * len(rows))
    train_rows, val_rows = rows[:split], rows[split:]

    tok = build_tokenizer(train_rows, workdir)
    print(f"tokenizer size: {len(tok)}  example: {tok.tokenize(train_rows[0][0])}")
    model = make_model(tok)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, enc in enumerate(batches(train_rows, tok, CFG["batch_size"])):
            out = model(**enc)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running / (step + 1):.4f} "
              f"val_acc {evaluate(model, val_rows, tok):.3f}")


if __name__ == "__main__":
    main()
