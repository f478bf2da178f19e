import itertools
import random
from dataclasses import dataclass

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForSequenceClassification

BASES = "ACGT"
CODON_TO_ID = {"".join(c): i for i, c in enumerate(itertools.product(BASES, repeat=3))}
RESERVED = ["<pad>", "<cls>", "<sep>", "<unk>"]
STOP_CODONS = {"TAA", "TAG", "TGA"}


@dataclass
class RunConfig:
    seq_codons: int = 24
    n_train: int = 64
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7


def encode_orf(dna):
    n_reserved = len(RESERVED)
    codons = [dna[i:i + 3] for i in range(0, len(dna) - len(dna) % 3, 3)]
    ids = [CODON_TO_ID[c] + n_reserved for c in codons]
    return [RESERVED.index("<cls>")] + ids + [RESERVED.index("<sep>")]


def random_orf(rng, n_codons, coding):
    body = []
    for _ in range(n_codons):
        codon = "".join(rng.choice(BASES) for _ in range(3))
        while coding and codon in STOP_CODONS:
            codon = "".join(rng.choice(BASES) for _ in range(3))
        body.append(codon)
    if coding:
        body[0] = "ATG"
    return "".join(body)


def make_dataset(cfg):
    rng = random.Random(cfg.seed)
    samples = []
    for _ in range(cfg.n_train):
        label = rng.randint(0, 1)
        length = rng.randint(cfg.seq_codons // 2, cfg.seq_codons)
        dna = random_orf(rng, length, coding=bool(label))
        samples.append((torch.tensor(encode_orf(dna)), label))
    return samples


def collate(batch):
    seqs, labels = zip(*batch)
    input_ids = pad_sequence(seqs, batch_first=True, padding_value=0)
    attention_mask = (input_ids != 0).long()
    return input_ids, attention_mask, torch.tensor(labels)


def build_model(cfg):
    bert_cfg = BertConfig(
        vocab_size=len(RESERVED) + len(CODON_TO_ID),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg.seq_codons + 8,
        num_labels=2,
        pad_token_id=0,
    )
    return BertForSequenceClassification(bert_cfg)


def main():
    cfg = RunConfig()
    torch.manual_seed(cfg.seed)
    data = make_dataset(cfg)
    loader = torch.utils.data.DataLoader(data, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    model = build_model(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for epoch in range(cfg.epochs):
        total, correct, seen = 0.0, 0, 0
        for input_ids, attention_mask, labels in loader:
            out = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item() * labels.size(0)
            correct += (out.logits.argmax(-1) == labels).sum().item()
            seen += labels.size(0)
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")


if __name__ == "__main__":
    main()
