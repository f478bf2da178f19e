"""Citation recommendation: given the sentence where an author writes [CITE],
retrieve the cited paper's abstract from a small local index. ELECTRA-style
encoder shared by both sides, mean pooling, hard negatives from co-cited papers."""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertTokenizer, ElectraConfig, ElectraModel

torch.manual_seed(11)

# crawled (paper_id, abstract); the crawler returns some papers more than once
CRAWLED = [
    ("p01", "attention is all you need introduces the transformer built only from attention layers"),
    ("p02", "deep residual learning trains very deep convolutional networks with skip connections"),
    ("p03", "batch normalization reduces internal covariate shift and speeds up training"),
    ("p01", "attention is all you need introduces the transformer built only from attention layers"),
    ("p04", "adam is a method for stochastic optimization with adaptive moment estimates"),
    ("p05", "dropout prevents neural networks from overfitting by randomly dropping units"),
    ("p02", "deep residual learning trains very deep convolutional networks with skip connections"),
    ("p06", "bert pretrains deep bidirectional transformers for language understanding"),
    ("p07", "dense passage retrieval trains a dual encoder for open domain question answering"),
    ("p08", "word embeddings learned with skip gram capture semantic similarity between words"),
    ("p04", "adam is a method for stochastic optimization with adaptive moment estimates"),
]
CONTEXTS = [
    ("we use the transformer architecture [CITE] for the encoder", "p01"),
    ("skip connections [CITE] let us train a fifty layer network", "p02"),
    ("we normalize activations in each mini batch [CITE]", "p03"),
    ("parameters are optimized with adaptive moments [CITE]", "p04"),
    ("to reduce overfitting we apply dropout [CITE]", "p05"),
    ("we initialize from a bidirectional pretrained model [CITE]", "p06"),
    ("passages are retrieved with a dual encoder [CITE]", "p07"),
    ("tokens are represented by skip gram word vectors [CITE]", "p08"),
]
CO_CITED = {"p01": "p06", "p02": "p03", "p03": "p02", "p04": "p05",
            "p05": "p04", "p06": "p01", "p07": "p06", "p08": "p06"}
RECALL_CUTOFFS = (1, 3, 5)


def build_index_corpus(crawled):
    seen = {}
    for pid, abstract in crawled:
        seen.setdefault(pid, abstract)
    return list(seen.keys()), list(seen.values())


def write_vocab(folder, texts):
    toks = sorted({w for t in texts for w in t.replace("[CITE]", " ").split()})
    path = os.path.join(folder, "sci_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[CITE]"] + toks) + "\n")
    return path


def encode(model, tok, texts):
    enc = tok(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
    out = model(**enc).last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    return F.normalize((out * m).sum(1) / m.sum(1), dim=-1)


def train_epoch(model, tok, opt, paper_ids, abstracts, temp=0.07):
    by_id = dict(zip(paper_ids, abstracts))
    sents = [c for c, _ in CONTEXTS]
    gold = [by_id[pid] for _, pid in CONTEXTS]
    negs = [by_id[CO_CITED[pid]] for _, pid in CONTEXTS]
    s_vec = encode(model, tok, sents)
    d_vec = encode(model, tok, gold + negs)
    loss = F.cross_entropy(s_vec @ d_vec.T / temp, torch.arange(len(sents)))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, tok, paper_ids, abstracts):
    model.eval()
    doc_matrix = encode(model, tok, abstracts)
    ctx_matrix = encode(model, tok, [c for c, _ in CONTEXTS])
    sims = ctx_matrix @ doc_matrix.T
    ranked = sims.topk(max(RECALL_CUTOFFS), dim=1).indices
    gold_rows = torch.tensor([paper_ids.index(pid) for _, pid in CONTEXTS])
    report = {}
    for k in RECALL_CUTOFFS:
        hit = (ranked[:, :k] == gold_rows.unsqueeze(1)).any(dim=1)
        report[f"recall@{k}"] = hit.mean().item()
    return report


def main():
    paper_ids, abstracts = build_index_corpus(CRAWLED)
    print(f"{len(CRAWLED)} crawled records -> {len(paper_ids)} unique papers in the index")
    with tempfile.TemporaryDirectory() as folder:
        tok = BertTokenizer(write_vocab(folder, abstracts + [c for c, _ in CONTEXTS]))
        cfg = ElectraConfig(vocab_size=tok.vocab_size, embedding_size=16, hidden_size=32,
                            num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=64)
        model = ElectraModel(cfg)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
        model.train()
        for epoch in range(5):
            print(f"epoch {epoch} loss {train_epoch(model, tok, opt, paper_ids, abstracts):.4f}")
        for name, value in evaluate(model, tok, paper_ids, abstracts).items():
            print(f"{name}: {value:.3f}")


if __name__ == "__main__":
    main()
