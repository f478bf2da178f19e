"""Two-head classifier for excavation finds register entries (material + find type),
with an EMA prototype memory per material that adds a prototype-alignment term.

Tiny random-init BERT trained with the HF Trainer on CPU.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments, set_seed

MATERIALS = ["ceramic", "metal", "lithic", "faunal"]
FIND_TYPES = ["rim sherd", "body sherd", "coin", "nail", "brooch", "flake", "scraper", "bone tool", "tooth"]

# (register entry, material id, find type id)
REGISTER = [
    ("rim fragment grey burnished ware context 104", 0, 0),
    ("everted rim sherd samian slip trench b", 0, 0),
    ("plain body sherd coarse gritty fabric", 0, 1),
    ("body sherd with incised chevrons sooted exterior", 0, 1),
    ("corroded copper alloy coin radiate head", 1, 2),
    ("silver penny clipped edge layer 3", 1, 2),
    ("iron nail square shank clenched tip", 1, 3),
    ("hobnail iron from grave fill", 1, 3),
    ("bow brooch copper alloy missing pin", 1, 4),
    ("flint flake hinge termination cortex remnant", 2, 5),
    ("chert flake retouched edge burnt", 2, 5),
    ("end scraper flint steep retouch", 2, 6),
    ("thumbnail scraper grey flint", 2, 6),
    ("antler pick polished tip", 3, 7),
    ("bone awl pointed polished shaft", 3, 7),
    ("sheep molar worn occlusal surface", 3, 8),
]


def make_tokenizer(rows):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t, _, _ in rows for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="finds_tok_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class FindsRegister(Dataset):
    def __init__(self, rows, tok, max_len=20):
        self.items = []
        for text, mat, ftype in rows:
            enc = tok(text, padding="max_length", truncation=True, max_length=max_len)
            self.items.append({"input_ids": torch.tensor(enc["input_ids"]),
                               "attention_mask": torch.tensor(enc["attention_mask"]),
                               "material": torch.tensor(mat), "find_type": torch.tensor(ftype)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


@dataclass
class ProtoSettings:
    momentum: float = 0.9
    temperature: float = 0.2
    weight: float = 0.3


class FindsModel(nn.Module):
    def __init__(self, vocab_size, proto: ProtoSettings):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32)
        self.bert = BertModel(cfg)
        self.material_head = nn.Linear(cfg.hidden_size, len(MATERIALS))
        self.type_head = nn.Linear(cfg.hidden_size, len(FIND_TYPES))
        self.proto = proto
        self.register_buffer("prototypes", torch.zeros(len(MATERIALS), cfg.hidden_size))
        self.register_buffer("proto_seen", torch.zeros(len(MATERIALS)))

    @torch.no_grad()
    def update_prototypes(self, feats, class_ids):
        counts = torch.bincount(class_ids, minlength=self.prototypes.size(0)).float()
        self.proto_seen += counts
        sums = torch.zeros_like(self.prototypes).index_add_(0, class_ids, feats)
        present = counts > 0
        means = sums[present] / counts[present].unsqueeze(1)
        m = self.proto.momentum
        self.prototypes[present] = m * self.prototypes[present] + (1 - m) * means

    def forward(self, input_ids, attention_mask, material=None, find_type=None):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        mat_logits = self.material_head(pooled)
        type_logits = self.type_head(pooled)
        out = {"material_logits": mat_logits, "type_logits": type_logits}
        if material is not None:
            loss = F.cross_entropy(mat_logits, material) + F.cross_entropy(type_logits, find_type)
            feats = F.normalize(pooled, dim=-1)
            if self.training:
                # pseudo-label the memory with the model's own predictions (labels are noisy in the register)
                self.update_prototypes(feats.detach(), type_logits.argmax(dim=-1))
            if bool((self.proto_seen > 0).all()):
                sims = feats @ F.normalize(self.prototypes, dim=-1).T / self.proto.temperature
                loss = loss + self.proto.weight * F.cross_entropy(sims, material)
            out["loss"] = loss
        return out


def main():
    set_seed(2)
    tok = make_tokenizer(REGISTER)
    train_ds = FindsRegister(REGISTER, tok)
    model = FindsModel(tok.vocab_size, ProtoSettings())
    print(f"train entries: {len(train_ds)}  vocab: {tok.vocab_size}")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="finds_run_"), per_device_train_batch_size=4,
                             num_train_epochs=3, learning_rate=5e-4, logging_steps=4, report_to="none",
                             save_strategy="no", use_cpu=True, disable_tqdm=True, remove_unused_columns=False)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"final train loss {result.training_loss:.4f}")
    print("prototype usage:", model.proto_seen.tolist())


if __name__ == "__main__":
    main()
