"""Flag observing-log notes that need re-observation, using a tiny BERT plus an instrument embedding."""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

DOMAINS = ["optical", "radio", "spectroscopy"]
NEW_TERMS = ["fwhm", "arcsec", "ngc"]
BASE_WORDS = (
    "seeing poor good clouds thin thick moon bright dome closed open humidity high low "
    "target field focus drift guiding lost stable exposure short long noise rfi band "
    "signal weak strong calibration lamp arc flat dark bias frame taken redo ok at the "
    "of and was were with in on to"
).split()

NOTES = [
    ("seeing 2.1 arcsec fwhm stable guiding on ngc 7331", "optical", 0),
    ("thick clouds dome closed exposure lost redo", "optical", 1),
    ("rfi in band signal weak redo", "radio", 1),
    ("calibration lamp arc frame taken fwhm ok", "spectroscopy", 0),
    ("humidity high focus drift fwhm 3.5 arcsec redo", "optical", 1),
    ("signal strong noise low", "radio", 0),
]


def write_vocab(directory):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(directory, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(BASE_WORDS)) + list("0123456789.")) + "\n")
    return path


class NoteClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.domain_emb = nn.Embedding(len(DOMAINS), 8)
        self.head = nn.Linear(32 + 8, 2)

    def forward(self, input_ids, attention_mask, domain_ids):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = hidden[:, 0]
        return self.head(torch.cat([pooled, self.domain_emb(domain_ids)], dim=-1))


def encode(tok, notes):
    enc = tok([text for text, _, _ in notes], padding=True, return_tensors="pt")
    domain_ids = torch.tensor([DOMAINS.index(d) for _, d, _ in notes])
    labels = torch.tensor([y for _, _, y in notes])
    return enc, domain_ids, labels


def main():
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    model = NoteClassifier(tok.vocab_size)
    added = tok.add_tokens(NEW_TERMS)
    print(f"base vocab {tok.vocab_size}, added {added} domain terms, total {len(tok)}")
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    enc, domain_ids, labels = encode(tok, NOTES)
    for step in range(20):
        logits = model(enc["input_ids"], enc["attention_mask"], domain_ids)
        loss = loss_fn(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")
    model.eval()
    with torch.no_grad():
        q, qd, _ = encode(tok, [("seeing poor fwhm 4 arcsec clouds thin", "optical", 0)])
        verdict = model(q["input_ids"], q["attention_mask"], qd).argmax(-1).item()
    print("re-observe" if verdict == 1 else "keep")


if __name__ == "__main__":
    main()
