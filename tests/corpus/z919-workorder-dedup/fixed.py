"""Duplicate detection for aircraft maintenance write-ups.

Mechanics often log the same defect twice with slightly different wording.
A BERT pair classifier is helped by a lexical signal: how much the two
write-ups overlap in 1- to 4-grams, coarsened into a few overlap buckets
that get a learned embedding.
"""
import bisect
import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(3)

NGRAM_ORDERS = (1, 2, 3, 4)
BUCKET_EDGES = (0.1, 0.3, 0.6)  # -> 4 overlap buckets

PAIRS = [
    ("left main gear tire worn to limits", "lh mlg tire worn beyond limits replaced", 1),
    ("cabin reading light row 12 inop", "row 12 reading light inoperative", 1),
    ("hydraulic leak at nose gear actuator", "lavatory smoke detector test failed", 0),
    ("apu fails to start on ground", "apu no start during ground ops", 1),
    ("galley oven 2 tripped breaker", "left main gear tire worn to limits", 0),
    ("pitot heat caution light on climb", "pitot heat caution illuminated during climb", 1),
    ("fuel quantity indication fluctuating tank 1", "cabin reading light row 12 inop", 0),
    ("lavatory smoke detector test failed", "aft lav smoke detector failed test", 1),
    ("windshield wiper captain side slow", "apu fails to start on ground", 0),
    ("engine 2 oil pressure low indication", "eng 2 low oil pressure indication on taxi", 1),
    ("cargo door seal torn", "galley oven 2 tripped breaker", 0),
    ("cargo door seal torn aft hold", "aft cargo door seal damaged", 1),
]


def ngrams(tokens, n):
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def overlap_profile(a, b, orders=NGRAM_ORDERS):
    """(order, bucket) for each n-gram order, bucket from the Jaccard overlap."""
    ta, tb = a.split(), b.split()
    profile = []
    for n in orders:
        ga, gb = ngrams(ta, n), ngrams(tb, n)
        jacc = len(ga & gb) / max(len(ga | gb), 1)
        profile.append((n, bisect.bisect(BUCKET_EDGES, jacc)))
    return profile


class WorkOrderPairs(Dataset):
    def __init__(self, pairs, tokenizer, max_len=40):
        self.items = []
        for a, b, dup in pairs:
            enc = tokenizer(a, b, padding="max_length", truncation=True,
                            max_length=max_len, return_tensors="pt")
            feats = {k: v.squeeze(0) for k, v in enc.items()}
            feats["overlap_codes"] = torch.tensor([bucket for _, bucket in overlap_profile(a, b)])
            feats["labels"] = torch.tensor(dup)
            self.items.append(feats)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class PairWithOverlap(nn.Module):
    def __init__(self, config, n_buckets=len(BUCKET_EDGES) + 1, overlap_dim=8):
        super().__init__()
        self.encoder = BertModel(config)
        self.overlap_emb = nn.Embedding(n_buckets, overlap_dim)
        self.classifier = nn.Linear(config.hidden_size + overlap_dim * len(NGRAM_ORDERS), 2)

    def forward(self, input_ids, attention_mask, token_type_ids, overlap_codes, labels=None):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).pooler_output
        lex = self.overlap_emb(overlap_codes).flatten(1)
        logits = self.classifier(torch.cat([pooled, lex], dim=-1))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


def make_tokenizer(corpus):
    words = sorted({w for t in corpus for w in t.split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path), folder


def main():
    tok, workdir = make_tokenizer([s for a, b, _ in PAIRS for s in (a, b)])
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    train_set = WorkOrderPairs(PAIRS, tok)
    print(f"{len(train_set)} pairs, overlap profile of first pair: {overlap_profile(*PAIRS[0][:2])}")

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             logging_steps=2, save_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = Trainer(model=PairWithOverlap(cfg), args=args, train_dataset=train_set)
    result = trainer.train()
    print(f"done, training loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
