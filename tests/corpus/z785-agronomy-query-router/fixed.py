"""Route farmer helpline questions to the right extension team.

The [CLS] vector of a small BERT is concatenated with a "term profile": the averaged
co-occurrence rows of the domain terms that appear in the question.
"""
import os
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

TEAMS = ["pest", "soil", "irrigation", "market"]

QUESTIONS = [
    ("aphids on my mustard leaves which pesticide to spray", 0),
    ("white blight spots on potato after rain need fungicide advice", 0),
    ("stem borer in paddy what dose of pesticide", 0),
    ("soil test shows low nitrogen how much urea per acre", 1),
    ("compost or manure better for sandy soil", 1),
    ("soil is salty after last season what gypsum dose", 1),
    ("drip lines clogging in my orchard how to flush", 2),
    ("how often to run sprinkler irrigation for wheat in march", 2),
    ("canal water comes late can drip irrigation save the crop", 2),
    ("onion price at the mandi dropped should i store", 3),
    ("where to sell organic turmeric for a better price", 3),
    ("market rate for cotton this week in our district", 3),
]

# agronomy glossary with each word's rank in a general English frequency list
GLOSSARY = [
    ("water", 310), ("price", 820), ("market", 640), ("soil", 2841), ("spray", 5120),
    ("pesticide", 21500), ("fungicide", 41200), ("blight", 27331), ("aphids", 38112),
    ("nitrogen", 15870), ("urea", 33410), ("compost", 22310), ("manure", 19904),
    ("gypsum", 30875), ("drip", 12044), ("sprinkler", 24780), ("irrigation", 18455),
    ("canal", 9870), ("mandi", 61230), ("organic", 6025), ("borer", 47002),
]
MIN_RANK = 2000  # anything more frequent than this is general vocabulary


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def extract_term_ids(text, lookup):
    return [lookup[w] for w in text.split() if w in lookup]


def build_cooccurrence(texts, terms):
    pos = {t: i for i, t in enumerate(terms)}
    counts = torch.zeros(len(terms), len(terms))
    for text in texts:
        present = sorted({pos[w] for w in text.split() if w in pos})
        for a in present:
            for b in present:
                counts[a, b] += 1.0
    return counts / counts.sum(dim=1, keepdim=True).clamp(min=1.0)


class HelplineDataset(Dataset):
    def __init__(self, rows, featurize):
        self.rows = rows
        self.featurize = featurize

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, team = self.rows[i]
        return {"text": text, "terms": self.featurize(text), "team": team}


def collate(items, tokenizer, pad_term):
    tokens = tokenizer([it["text"] for it in items], padding=True, return_tensors="pt")
    width = max(1, max(len(it["terms"]) for it in items))
    term_ids = torch.full((len(items), width), pad_term, dtype=torch.long)
    for row, it in enumerate(items):
        term_ids[row, : len(it["terms"])] = torch.tensor(it["terms"], dtype=torch.long)
    return {"tokens": tokens, "term_ids": term_ids, "team": torch.tensor([it["team"] for it in items])}


class QueryRouter(L.LightningModule):
    def __init__(self, bert_cfg, cooc, n_teams, lr=5e-4):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        k = cooc.size(0)
        self.pad_term = k
        table = torch.cat([cooc, torch.zeros(1, k)])
        self.term_profile = nn.Embedding.from_pretrained(table, freeze=True, padding_idx=k)
        self.head = nn.Linear(bert_cfg.hidden_size + k, n_teams)
        self.lr = lr

    def forward(self, tokens, term_ids):
        cls_vec = self.encoder(**tokens).last_hidden_state[:, 0]
        present = (term_ids != self.pad_term).float().unsqueeze(-1)
        profile = (self.term_profile(term_ids) * present).sum(1) / present.sum(1).clamp(min=1.0)
        return self.head(torch.cat([cls_vec, profile], dim=-1))

    def training_step(self, batch, batch_idx):
        logits = self(batch["tokens"], batch["term_ids"])
        loss = F.cross_entropy(logits, batch["team"])
        self.log("train_loss", loss, prog_bar=False, batch_size=len(batch["team"]))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    texts = [q for q, _ in QUESTIONS]
    domain_terms = [t for t, r in GLOSSARY if r >= MIN_RANK]
    term_pos = {t: i for i, t in enumerate(domain_terms)}
    print(f"{len(domain_terms)} domain terms kept out of {len(GLOSSARY)}")

    cooc = build_cooccurrence(texts, domain_terms)
    featurize = partial(extract_term_ids, lookup=term_pos)

    tok = BertTokenizer(write_vocab(texts))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = QueryRouter(cfg, cooc, len(TEAMS))

    loader = DataLoader(HelplineDataset(QUESTIONS, featurize), batch_size=4, shuffle=True,
                        collate_fn=partial(collate, tokenizer=tok, pad_term=model.pad_term))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print(f"final train loss {trainer.callback_metrics['train_loss']:.4f}")

    model.eval()
    probe = "which fungicide for blight on tomato"
    batch = collate([{"text": probe, "terms": featurize(probe), "team": 0}], tok, model.pad_term)
    with torch.no_grad():
        team = model(batch["tokens"], batch["term_ids"]).argmax(-1).item()
    print(f"'{probe}' -> {TEAMS[team]} team")


if __name__ == "__main__":
    main()
