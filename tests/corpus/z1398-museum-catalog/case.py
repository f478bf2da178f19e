"""Task-conditioned multi-task BERT over museum catalogue records (Accelerate).

A learned task embedding is added to the [CLS] vector before the task's head.
Tasks are sampled with temperature-scaled corpus sizes so the small tasks are not
drowned out by the big ones. Afterwards a linear probe checks how well the shared
encoder transfers to the registrar's provenance notes.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertModel, BertTokenizer

set_seed(5)

LABEL_SETS = {
    "material": ["bronze", "ceramic", "textile", "wood"],
    "period": ["neolithic", "roman", "medieval", "early_modern", "modern"],
    "condition": ["stable", "fragile", "needs_conservation"],
    "provenance": ["excavated", "donated", "purchased"],
}
TASK_SPECS = {name: {"labels": LABEL_SETS[name], "loss": F.cross_entropy}
              for name in ("material", "period", "condition")}

CORPORA = {
    "material": [("cast figurine green patina", "bronze"), ("glazed bowl rim chipped", "ceramic"),
                 ("woven sash faded dye", "textile"), ("carved panel worm holes", "wood")],
    "period": [("coin with emperor portrait", "roman"), ("polished axe head flint", "neolithic"),
               ("illuminated psalter leaf", "medieval"), ("printed almanac 1650", "early_modern"),
               ("plastic radio housing", "modern"), ("amphora stamp legion", "roman")],
    "condition": [("flaking paint active loss", "needs_conservation"), ("sound no change", "stable"),
                  ("brittle fibres handle flat", "fragile")],
    "provenance": [("field season trench b", "excavated"), ("bequest of estate", "donated"),
                   ("auction lot 212", "purchased"), ("gift of the artist", "donated"),
                   ("dealer invoice attached", "purchased"), ("survey find plough soil", "excavated"),
                   ("transferred from society", "donated"), ("bought at fair", "purchased")],
}


def make_tokenizer(corpora):
    words = sorted({w for rows in corpora.values() for text, _ in rows for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class TaskSampler:
    def __init__(self, corpora, temperature=2.0, seed=0):
        self.names = list(corpora)
        sizes = torch.tensor([len(rows) for rows in corpora.values()], dtype=torch.float)
        self.probs = (sizes / sizes.sum()) ** (1.0 / temperature)
        self.probs /= self.probs.sum()
        self.gen = torch.Generator().manual_seed(seed)

    def draw(self, n):
        return torch.multinomial(self.probs, n, replacement=True, generator=self.gen)


class CatalogueModel(nn.Module):
    def __init__(self, vocab_size, specs, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.task_names = list(specs)
        self.task_embedding = nn.Embedding(len(self.task_names), hidden)
        self.heads = nn.ModuleDict({n: nn.Linear(hidden, len(s["labels"])) for n, s in specs.items()})

    def encode(self, input_ids, attention_mask):
        return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]

    def forward(self, task_idx, input_ids, attention_mask, **_):
        cls = self.encode(input_ids, attention_mask)
        cls = cls + self.task_embedding(task_idx).expand_as(cls)
        return self.heads[self.task_names[task_idx.item()]](cls)


def sample_batch(tok, task, size=4):
    rows = CORPORA[task]
    picks = torch.randint(len(rows), (size,)).tolist()
    enc = tok([rows[i][0] for i in picks], padding=True, return_tensors="pt")
    enc["gold"] = torch.tensor([LABEL_SETS[task].index(rows[i][1]) for i in picks])
    return enc


@torch.no_grad()
def probe_features(model, tok, rows, device):
    enc = tok([t for t, _ in rows], padding=True, return_tensors="pt").to(device)
    return model.encode(enc["input_ids"], enc["attention_mask"])


def main(steps=40):
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer(CORPORA)
    model = CatalogueModel(tok.vocab_size, TASK_SPECS)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model, optimizer = accelerator.prepare(model, optimizer)

    sampler = TaskSampler(CORPORA)
    accelerator.print("task probs:", dict(zip(sampler.names, [round(p, 3) for p in sampler.probs.tolist()])))
    running = {}
    for step, task_idx in enumerate(sampler.draw(steps)):
        task = sampler.names[task_idx]
        batch = sample_batch(tok, task).to(accelerator.device)
        logits = model(task_idx.view(1).to(accelerator.device), **batch)
        loss = TASK_SPECS[task]["loss"](logits, batch["gold"])
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        running[task] = 0.9 * running.get(task, loss.item()) + 0.1 * loss.item()
        if step % 10 == 9:
            accelerator.print(f"step {step + 1}: " + ", ".join(f"{k}={v:.3f}" for k, v in running.items()))

    # linear probe on the frozen encoder
    rows = CORPORA["provenance"]
    feats = probe_features(accelerator.unwrap_model(model), tok, rows, accelerator.device)
    gold = torch.tensor([LABEL_SETS["provenance"].index(y) for _, y in rows])
    probe = nn.Linear(feats.size(1), len(LABEL_SETS["provenance"]))
    popt = torch.optim.SGD(probe.parameters(), lr=0.5)
    for _ in range(100):
        popt.zero_grad()
        F.cross_entropy(probe(feats), gold).backward()
        popt.step()
    acc = (probe(feats).argmax(-1) == gold).float().mean().item()
    accelerator.print(f"provenance probe accuracy (train): {acc:.2f}")


if __name__ == "__main__":
    main()
