"""Patient-to-clinical-trial matching: bi-encoder over a tiny BERT, trained with Accelerate.

Each patient summary is paired with the trial the research nurse enrolled them in;
other trials in the batch serve as negatives. A learned per-trial prior captures
how often each trial is the right answer regardless of the patient text.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

TRIALS = [
    "phase two trial of oral anticoagulant after atrial fibrillation ablation",
    "insulin pump study for adolescents with type one diabetes",
    "immunotherapy for metastatic melanoma after failed first line",
    "pulmonary rehab program for moderate copd with frequent exacerbations",
    "memory clinic trial for early alzheimer disease amyloid positive",
]
PATIENTS = [
    ("68 year old with atrial fibrillation, ablation last month", 0),
    ("15 year old type one diabetes, poor control on injections", 1),
    ("melanoma with liver metastases, progressed on first line", 2),
    ("copd gold three, three exacerbations this year", 3),
    ("mild cognitive decline, amyloid pet positive", 4),
    ("paroxysmal atrial fibrillation, post ablation, on aspirin", 0),
    ("adolescent with type one diabetes interested in pump", 1),
    ("stage four melanoma, second line candidate", 2),
    ("copd with repeated hospital admissions, on oxygen", 3),
    ("early alzheimer disease, amyloid positive, mmse 24", 4),
    ("atrial fibrillation ablation two weeks ago, stable", 0),
    ("diabetes type one since age 9, hba1c high", 1),
]


def write_vocab():
    text = " ".join(TRIALS + [p for p, _ in PATIENTS]).replace(",", " , ")
    words = sorted(set(text.split()))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class BaseRetriever(nn.Module):
    MAX_LEN = 64
    HIDDEN = 32
    TEMPERATURE = 0.1

    def __init__(self, tokenizer, **kwargs):
        super().__init__()
        self.tokenizer = tokenizer
        self.build_model(**kwargs)

    def build_model(self, **kwargs):
        cfg = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=self.HIDDEN,
                         num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=self.MAX_LEN)
        self.bert = BertModel(cfg)

    def tokenize(self, texts):
        return self.tokenizer(texts, padding=True, truncation=True, max_length=self.MAX_LEN,
                              return_tensors="pt")

    def make_batch(self, rows):
        q_idx, d_idx = zip(*rows)
        return {
            "query": self.tokenize([PATIENTS[i][0] for i in q_idx]),
            "doc": self.tokenize([TRIALS[j] for j in d_idx]),
            "q_idx": torch.tensor(q_idx),
            "d_idx": torch.tensor(d_idx),
        }

    def encode(self, enc):
        states = self.bert(**enc).last_hidden_state
        w = enc["attention_mask"].unsqueeze(-1).float()
        return F.normalize((states * w).sum(1) / w.sum(1), dim=-1)

    def score(self, batch):
        return self.encode(batch["query"]) @ self.encode(batch["doc"]).T / self.TEMPERATURE

    def compute_loss(self, batch):
        scores = self.score(batch)
        return F.cross_entropy(scores, torch.arange(scores.size(0), device=scores.device))


class DocPriorMixin:
    NUM_DOCS = None

    def build_model(self, **kwargs):
        super().build_model(**kwargs)
        self.doc_prior = nn.Embedding(self.NUM_DOCS, 1)
        nn.init.zeros_(self.doc_prior.weight)

    def score(self, batch):
        scores = super().score(batch)
        return scores + self.doc_prior(batch["q_idx"]).view(1, -1)


class TrialRetriever(DocPriorMixin, BaseRetriever):
    MAX_LEN = 48
    NUM_DOCS = len(TRIALS)


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab())
    model = TrialRetriever(tokenizer)
    pairs = [(i, trial) for i, (_, trial) in enumerate(PATIENTS)]
    loader = DataLoader(pairs, batch_size=4, shuffle=True, collate_fn=model.make_batch,
                        generator=torch.Generator().manual_seed(5))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    accelerator.print(f"{len(PATIENTS)} patients, {len(TRIALS)} trials")

    for epoch in range(4):
        model.train()
        running = 0.0
        for batch in loader:
            loss = model.compute_loss(batch)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch} loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        q = model.encode(model.tokenize(["new afib patient, ablation done last week"]))
        d = model.encode(model.tokenize(TRIALS))
        ranking = (q @ d.T / model.TEMPERATURE + model.doc_prior.weight.view(1, -1)).argsort(descending=True)
    accelerator.print("top trial:", TRIALS[int(ranking[0, 0])])


if __name__ == "__main__":
    main()
