import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 5
QUEEN_STATUS = ["queenright", "queenless", "unclear"]

PHRASES = {
    "queenright": ["queen seen on frame {n}", "eggs present", "fresh eggs and young larvae", "marked queen spotted"],
    "queenless": ["no eggs", "no queen seen", "emergency cells on frame {n}", "laying workers suspected"],
    "unclear": ["did not find queen", "brood patchy", "ran out of time", "queen not checked"],
}
VARROA_HIGH = ["mites on drone brood", "sugar roll {m} mites", "deformed wings seen", "varroa drop high"]
VARROA_LOW = ["sugar roll {k} mites", "mite drop low", "no deformed wings"]
GENERAL = ["calm temperament", "defensive colony", "capped honey on {n} frames", "added super",
           "pollen coming in", "brood on {n} frames", "fed syrup", "hive beetle seen"]


def write_vocab(path):
    words = set()
    for group in list(PHRASES.values()) + [VARROA_HIGH, VARROA_LOW, GENERAL]:
        for p in group:
            words.update(p.replace("{n}", "").replace("{m}", "").replace("{k}", "").split())
    words.update(str(i) for i in range(0, 25))
    words.update([",", "."])
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def synth_note(rng):
    status = rng.choice(QUEEN_STATUS)
    treat = rng.random() < 0.4
    parts = rng.sample(PHRASES[status], 2)
    parts.append(rng.choice(VARROA_HIGH if treat else VARROA_LOW))
    parts += rng.sample(GENERAL, rng.randint(1, 3))
    rng.shuffle(parts)
    text = ", ".join(parts).format(n=rng.randint(2, 9), m=rng.randint(6, 20), k=rng.randint(0, 2)) + "."
    return text, QUEEN_STATUS.index(status), float(treat)


class InspectionNoteModel(nn.Module):
    def __init__(self, vocab_size, pad_id):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, pad_token_id=pad_id)
        self.encoder = BertModel(cfg)
        self.queen_head = nn.Linear(cfg.hidden_size, len(QUEEN_STATUS))
        self.varroa_head = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = out.last_hidden_state[:, 0]
        return self.queen_head(pooled), self.varroa_head(pooled).squeeze(-1)


def grad_norm(params):
    norms = [p.grad.detach().norm() for p in params if p.grad is not None]
    return torch.stack(norms).norm().item() if norms else 0.0


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "hive_vocab.txt")))

    notes = [synth_note(rng) for _ in range(96)]
    texts, queen, treat = zip(*notes)
    enc = tokenizer(list(texts), padding="max_length", truncation=True, max_length=40, return_tensors="pt")
    rows = list(zip(enc["input_ids"], enc["attention_mask"], torch.tensor(queen), torch.tensor(treat)))
    loader = DataLoader(rows, batch_size=16, shuffle=True)

    model = InspectionNoteModel(tokenizer.vocab_size, tokenizer.pad_token_id)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    queen_loss_fn = nn.CrossEntropyLoss()
    varroa_loss_fn = nn.BCEWithLogitsLoss()
    shared = list(model.encoder.parameters())
    varroa_weight = 0.5

    for epoch in range(2):
        model.train()
        for step, (ids, mask, q, v) in enumerate(loader):
            opt.zero_grad()
            queen_logits, varroa_logits = model(ids, mask)
            loss_q = queen_loss_fn(queen_logits, q)
            loss_v = varroa_weight * varroa_loss_fn(varroa_logits, v)

            loss_q.backward(retain_graph=True)
            gn_queen = grad_norm(shared)
            loss_v.backward()
            gn_total = grad_norm(shared)

            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if step % 2 == 0:
                print(f"ep{epoch} step{step} queen={loss_q.item():.3f} varroa={loss_v.item():.3f} "
                      f"|g_queen|={gn_queen:.3f} |g_total|={gn_total:.3f}")


if __name__ == "__main__":
    main()
