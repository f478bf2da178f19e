import os
import random
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


@dataclass
class CoverageConfig:
    segments: tuple = ("claim_note", "adjuster_summary", "policy_clause")
    labels: tuple = ("covered", "excluded", "needs_review")
    max_len: int = 96
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 128
    type_vocab_size: int = 2
    batch_size: int = 8
    lr: float = 5e-4
    epochs: int = 1
    seed: int = 3
    workdir: str = field(default_factory=lambda: os.path.dirname(os.path.abspath(__file__)))


CLAIM_NOTES = [
    "insured reports burst pipe in upstairs bathroom water through ceiling",
    "basement flooded after heavy rain sump pump failed",
    "kitchen fire started by unattended stove smoke damage throughout",
    "roof shingles torn off during windstorm rain entered attic",
    "mould discovered behind washing machine long term seepage",
    "jewellery stolen during break in police report filed",
]
ADJUSTER_SUMMARIES = [
    "site visit confirms sudden and accidental discharge",
    "damage consistent with gradual leak over several months",
    "surface water entered through basement windows",
    "forced entry visible on rear door",
    "fire department report attached cause accidental",
    "wind damage verified by drone inspection",
]
POLICY_CLAUSES = [
    "we cover sudden and accidental discharge of water from plumbing",
    "we do not cover flood surface water or water below the surface",
    "we do not cover continuous or repeated seepage over weeks or more",
    "we cover direct physical loss caused by fire or smoke",
    "we cover theft including loss from a known place when likely stolen",
    "we cover windstorm or hail damage to the dwelling",
]


def write_vocab(path):
    words = set()
    for text in CLAIM_NOTES + ADJUSTER_SUMMARIES + POLICY_CLAUSES:
        words.update(text.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + sorted(words)) + "\n")
    return path


def make_examples(n, rng, cfg):
    examples = []
    for _ in range(n):
        note = rng.choice(CLAIM_NOTES)
        summary = rng.choice(ADJUSTER_SUMMARIES)
        clause = rng.choice(POLICY_CLAUSES)
        if "do not cover" in clause:
            label = "excluded"
        elif rng.random() < 0.3:
            label = "needs_review"
        else:
            label = "covered"
        examples.append({"claim_note": note, "adjuster_summary": summary,
                         "policy_clause": clause, "label": cfg.labels.index(label)})
    return examples


def encode_multi_segment(example, tokenizer, cfg):
    ids = [tokenizer.cls_token_id]
    segment_ids = [0]
    for seg_idx, seg_name in enumerate(cfg.segments):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(example[seg_name]))
        piece = piece + [tokenizer.sep_token_id]
        ids.extend(piece)
        segment_ids.extend([seg_idx] * len(piece))
    ids, segment_ids = ids[: cfg.max_len], segment_ids[: cfg.max_len]
    return ids, segment_ids


def make_collate(tokenizer, cfg):
    def collate(examples):
        encoded = [encode_multi_segment(ex, tokenizer, cfg) for ex in examples]
        width = max(len(ids) for ids, _ in encoded)
        input_ids = torch.full((len(examples), width), tokenizer.pad_token_id, dtype=torch.long)
        token_type_ids = torch.zeros_like(input_ids)
        attention_mask = torch.zeros_like(input_ids)
        for i, (ids, segs) in enumerate(encoded):
            input_ids[i, : len(ids)] = torch.tensor(ids)
            token_type_ids[i, : len(segs)] = torch.tensor(segs)
            attention_mask[i, : len(ids)] = 1
        labels = torch.tensor([ex["label"] for ex in examples])
        return {"input_ids": input_ids, "token_type_ids": token_type_ids,
                "attention_mask": attention_mask, "labels": labels}
    return collate


def build_model(cfg, vocab_size):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.intermediate_size,
        max_position_embeddings=cfg.max_position_embeddings,
        type_vocab_size=cfg.type_vocab_size,
        num_labels=len(cfg.labels),
    )
    return BertForSequenceClassification(bert_cfg)


def main():
    cfg = CoverageConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    vocab_path = write_vocab(os.path.join(cfg.workdir, "coverage_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)
    train_examples = make_examples(64, rng, cfg)
    loader = DataLoader(train_examples, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, cfg))

    model = build_model(cfg, tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for epoch in range(cfg.epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    main()
