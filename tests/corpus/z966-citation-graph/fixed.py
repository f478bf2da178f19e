"""Field-of-study classifier for the preprint triage queue: abstract encoder + citation-graph node features."""
import hashlib
import logging
import math
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("citegraph")

CONFIG = {"node_buckets": 97, "node_dim": 4, "hidden": 32, "batch_size": 4, "epochs": 2, "lr": 1e-3, "seed": 3}
FIELDS = ["ecology", "materials", "epidemiology"]
PAPERS = [
    ("10.1016/j.ecolind.2019.105581", 2019, "pollinator decline across fragmented grassland habitats", "ecology"),
    ("10.1038/s41563-020-0756-y", 2020, "strain engineering of layered perovskite thin films", "materials"),
    ("10.1093/aje/kwaa112", 2020, "cohort estimates of household transmission of influenza", "epidemiology"),
    ("10.1111/ele.13421", 2019, "predator body size shapes food web stability", "ecology"),
    ("10.1371/journal.pone.0230177", 2020, "seroprevalence survey in rural clinics after outbreak", "epidemiology"),
    ("10.1002/adma.202001234", 2020, "self healing polymer films for flexible electronics", "materials"),
    ("10.1136/bmj.m1966", 2020, "case control study of vaccination and hospital admission", "epidemiology"),
    ("10.1890/14-0123.1", 2015, "seed dispersal by birds in fragmented forest habitats", "ecology"),
    ("10.1021/acsnano.9b07891", 2019, "graphene oxide membranes for selective ion transport", "materials"),
    ("10.1007/s00442-018-4201-5", 2018, "drought effects on grassland plant traits", "ecology"),
]
CITES = [  # (citing, cited)
    ("10.1111/ele.13421", "10.1890/14-0123.1"), ("10.1016/j.ecolind.2019.105581", "10.1890/14-0123.1"),
    ("10.1016/j.ecolind.2019.105581", "10.1007/s00442-018-4201-5"), ("10.1136/bmj.m1966", "10.1093/aje/kwaa112"),
    ("10.1371/journal.pone.0230177", "10.1093/aje/kwaa112"), ("10.1002/adma.202001234", "10.1038/s41563-020-0756-y"),
    ("10.1021/acsnano.9b07891", "10.1038/s41563-020-0756-y"), ("10.1371/journal.pone.0230177", "10.1136/bmj.m1966"),
]
artifacts = {}


def doi_bucket(doi, prime=101):
    return int(hashlib.sha1(doi.lower().encode()).hexdigest(), 16) % prime


def build_node_table(papers, cites, buckets):
    """Hashed node features: log in-degree, log out-degree, recency."""
    table = torch.zeros(buckets, CONFIG["node_dim"])
    for doi, year, _, _ in papers:
        b = doi_bucket(doi, buckets)
        indeg = sum(1 for _, cited in cites if cited == doi)
        outdeg = sum(1 for citing, _ in cites if citing == doi)
        table[b] += torch.tensor([math.log1p(indeg), math.log1p(outdeg), (year - 2015) / 5.0, 1.0])
    return table


def write_vocab(texts, folder):
    path = os.path.join(folder, "vocab.txt")
    words = sorted({w for t in texts for w in t.split()})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def batches(papers, tokenizer, size):
    order = list(range(len(papers)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [papers[i] for i in order[start:start + size]]
        enc = tokenizer([p[2] for p in chunk], padding=True, return_tensors="pt")
        yield {"tokens": enc["input_ids"], "attn": enc["attention_mask"],
               "node": torch.tensor([doi_bucket(p[0], CONFIG["node_buckets"]) for p in chunk]),
               "field": torch.tensor([FIELDS.index(p[3]) for p in chunk])}


class PaperClassifier(nn.Module):
    def __init__(self, bert_cfg, node_table):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.graph = nn.Embedding.from_pretrained(node_table, freeze=True)
        self.out = nn.Linear(bert_cfg.hidden_size + node_table.shape[1], len(FIELDS))

    def forward(self, tokens, attn, node):
        cls = self.bert(input_ids=tokens, attention_mask=attn).last_hidden_state[:, 0]
        return self.out(torch.cat([cls, self.graph(node)], dim=-1))


def main():
    random.seed(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    workdir = tempfile.mkdtemp(prefix="citegraph_")
    tokenizer = BertTokenizer(write_vocab([p[2] for p in PAPERS], workdir))
    artifacts["graph"] = build_node_table(PAPERS, CITES, CONFIG["node_buckets"])
    log.info("node table %s, %d non-empty buckets", tuple(artifacts["graph"].shape),
             int((artifacts["graph"][:, 3] > 0).sum()))

    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CONFIG["hidden"], num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = PaperClassifier(bert_cfg, artifacts["graph"])
    optim = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=CONFIG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    artifacts["train"] = []
    for epoch in range(CONFIG["epochs"]):
        for batch in batches(PAPERS, tokenizer, CONFIG["batch_size"]):
            target = batch.pop("field")
            loss = loss_fn(model(**batch), target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            artifacts["train"].append((epoch, loss.item()))
        log.info("epoch %d mean loss %.4f", epoch,
                 sum(l for e, l in artifacts["train"] if e == epoch) / max(1, sum(e == epoch for e, _ in artifacts["train"])))

    log.info("done, %d steps", len(artifacts["train"]))


if __name__ == "__main__":
    main()
