import os
import random
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class IGTConfig:
    tiers: tuple = ("morphemes", "gloss", "translation")
    hidden_size: int = 48
    num_layers: int = 2
    num_heads: int = 4
    intermediate_size: int = 96
    max_positions: int = 128
    batch_size: int = 8
    lr: float = 5e-4
    epochs: int = 2
    seed: int = 3
    vocab_path: str = field(default_factory=lambda: os.path.join(HERE, "igt_vocab.txt"))


# toy agglutinative language: stems + suffixes with their Leipzig glosses
STEMS = {"kala": ("house", "house"), "miru": ("see", "see"), "tano": ("child", "child"),
         "wesi": ("river", "river"), "poku": ("eat", "eat"), "ranu": ("fish", "fish"),
         "lodi": ("walk", "walk"), "seva": ("woman", "woman")}
NOUN_SFX = {"ka": ("pl", "s"), "ti": ("erg", ""), "mo": ("loc", "at the")}
VERB_SFX = {"ra": ("pst", "ed"), "ni": ("3sg", "s"), "lu": ("neg", "not")}
VERBS = {"miru", "poku", "lodi"}


def make_example(rng):
    morph, gloss, trans = [], [], []
    for stem in rng.sample(sorted(STEMS), k=rng.randint(2, 4)):
        sfx_table = VERB_SFX if stem in VERBS else NOUN_SFX
        sfx = rng.choice(sorted(sfx_table))
        morph.append(f"{stem}-{sfx}")
        gloss.append(f"{STEMS[stem][0]}-{sfx_table[sfx][0]}")
        trans.append(f"{sfx_table[sfx][1]} {STEMS[stem][1]}".strip())
    return " ".join(morph), " ".join(gloss), " ".join(trans)


def corrupt(example, rng):
    morph, gloss, trans = example
    g = gloss.split()
    rng.shuffle(g)
    return morph, " ".join(g), trans


def write_vocab(path):
    words = set()
    for stem, (g, t) in STEMS.items():
        words.update([stem, g, t])
    for table in (NOUN_SFX, VERB_SFX):
        for sfx, (g, t) in table.items():
            words.add(sfx)
            words.add(g)
            words.update(t.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "-", "."]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


class IGTEncoder:
    """Packs the three IGT tiers into one sequence, one segment id per tier."""

    def __init__(self, tokenizer, tiers):
        self.tok = tokenizer
        self.tiers = tiers

    def encode(self, lines):
        ids = [self.tok.cls_token_id]
        segs = [0]
        for tier_idx, line in enumerate(lines):
            pieces = self.tok.convert_tokens_to_ids(self.tok.tokenize(line)) + [self.tok.sep_token_id]
            ids += pieces
            segs += [tier_idx] * len(pieces)
        return ids, segs

    def __call__(self, batch):
        enc = [self.encode(lines) for lines, _ in batch]
        width = max(len(i) for i, _ in enc)
        input_ids = torch.full((len(batch), width), self.tok.pad_token_id)
        token_type_ids = torch.zeros(len(batch), width, dtype=torch.long)
        attention_mask = torch.zeros(len(batch), width, dtype=torch.long)
        for row, (ids, segs) in enumerate(enc):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            token_type_ids[row, : len(segs)] = torch.tensor(segs)
            attention_mask[row, : len(ids)] = 1
        labels = torch.tensor([y for _, y in batch])
        return {"input_ids": input_ids, "token_type_ids": token_type_ids,
                "attention_mask": attention_mask, "labels": labels}


def build_model(cfg, tokenizer):
    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.intermediate_size,
        max_position_embeddings=cfg.max_positions,
        pad_token_id=tokenizer.pad_token_id,
        num_labels=2,
    )
    return BertForSequenceClassification(bert_cfg)


def main(cfg):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    write_vocab(cfg.vocab_path)
    tokenizer = BertTokenizer(cfg.vocab_path)

    data = []
    for _ in range(80):
        ex = make_example(rng)
        data.append((ex, 1))
        data.append((corrupt(ex, rng), 0))
    rng.shuffle(data)

    collate = IGTEncoder(tokenizer, cfg.tiers)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    model = build_model(cfg, tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for epoch in range(cfg.epochs):
        running, hits, seen = 0.0, 0, 0
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item() * len(batch["labels"])
            hits += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            seen += len(batch["labels"])
        print(f"epoch {epoch}: loss {running / seen:.4f} acc {hits / seen:.3f}")


if __name__ == "__main__":
    main(IGTConfig())
