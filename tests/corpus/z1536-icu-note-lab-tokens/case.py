import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

LAB_NAMES = ["sodium", "potassium", "creatinine", "lactate", "wbc", "hemoglobin", "platelets", "glucose"]

NOTE_WORDS = ("pt alert oriented tachycardic febrile overnight lactate rising started fluids "
              "pressors weaned stable sats on room air confused agitated given sedation "
              "urine output low creatinine trending up cultures sent").split()

ADMISSIONS = [
    ("pt febrile overnight cultures sent started fluids", [138, 4.1, 1.2, None, 14.2, 11.0, 210, 145], 1),
    ("pt alert oriented stable sats on room air", [140, 3.9, 0.9, None, 7.1, 13.2, 250, 101], 0),
    ("confused agitated given sedation urine output low", [131, 5.2, 2.4, None, 18.3, 9.4, 120, 180], 1),
    ("pressors weaned stable creatinine trending up", [135, 4.6, 1.9, None, 11.0, 10.1, 160, 130], 1),
    ("pt alert oriented sats on room air", [141, 4.0, 0.8, None, 6.5, 14.0, 300, 95], 0),
    ("tachycardic lactate rising started fluids", [133, 4.8, 1.5, None, 16.9, 10.8, 140, 160], 1),
]


@dataclass
class TriageConfig:
    vocab_size: int
    num_labs: int
    hidden: int = 32
    heads: int = 2
    n_outcomes: int = 2
    max_note_len: int = 16


def build_tokenizer(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(NOTE_WORDS))))
    return BertTokenizer(path)


def prepare_labs(records, names):
    # drop labs that were never measured in this cohort
    kept = [j for j, _ in enumerate(names) if any(r[j] is not None for r in records)]
    matrix = torch.tensor([[r[j] for j in kept] for r in records], dtype=torch.float32)
    mean, std = matrix.mean(0, keepdim=True), matrix.std(0, keepdim=True) + 1e-6
    return (matrix - mean) / std, [names[j] for j in kept]


class LabTokenizer(nn.Module):
    """One learned projection per lab value, FT-Transformer style."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.value_proj = nn.ModuleList([nn.Linear(1, cfg.hidden) for _ in range(cfg.num_labs)])
        self.lab_embed = nn.Parameter(torch.randn(cfg.num_labs, cfg.hidden) * 0.02)

    def forward(self, labs):
        tokens = []
        for j in range(self.cfg.num_labs):
            value = labs[:, j].unsqueeze(-1)
            tokens.append(self.value_proj[j](value) + self.lab_embed[j])
        return torch.stack(tokens, dim=1)


class NoteLabFusion(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=cfg.heads, intermediate_size=64,
                              max_position_embeddings=cfg.max_note_len)
        self.note_encoder = BertModel(bert_cfg)
        self.lab_tokens = LabTokenizer(cfg)
        self.cross = nn.MultiheadAttention(cfg.hidden, cfg.heads, batch_first=True)
        self.head = nn.Sequential(nn.LayerNorm(2 * cfg.hidden), nn.Linear(2 * cfg.hidden, cfg.n_outcomes))

    def forward(self, note_ids, note_mask, labs):
        note_states = self.note_encoder(input_ids=note_ids, attention_mask=note_mask).last_hidden_state
        lab_states = self.lab_tokens(labs)
        attended, _ = self.cross(lab_states, note_states, note_states,
                                 key_padding_mask=note_mask == 0)
        pooled = torch.cat([note_states[:, 0], attended.mean(1)], dim=-1)
        return self.head(pooled)


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)

    notes = [a[0] for a in ADMISSIONS]
    lab_rows = [a[1] for a in ADMISSIONS]
    outcomes = torch.tensor([a[2] for a in ADMISSIONS])

    lab_matrix, kept_labs = prepare_labs(lab_rows, LAB_NAMES)
    print(f"labs used: {kept_labs}")

    cfg = TriageConfig(vocab_size=tokenizer.vocab_size, num_labs=len(LAB_NAMES))
    model = NoteLabFusion(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    enc = tokenizer(notes, padding="max_length", truncation=True, max_length=cfg.max_note_len,
                    return_tensors="pt")

    model.train()
    for epoch in range(3):
        for start in range(0, len(notes), 3):
            sl = slice(start, start + 3)
            logits = model(enc["input_ids"][sl], enc["attention_mask"][sl], lab_matrix[sl])
            loss = loss_fn(logits, outcomes[sl])
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        probs = model(enc["input_ids"], enc["attention_mask"], lab_matrix).softmax(-1)
    print("deterioration risk:", [round(p, 3) for p in probs[:, 1].tolist()])


if __name__ == "__main__":
    main()
