"""Prior-art search: quick bi-encoder warmup on claim/patent pairs, then recall@k / MRR
on the held-out examiner citations. Ids are the internal row ids from the docket DB."""
import os
import re
import random
import tempfile
import warnings

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses
from sentence_transformers.sentence_transformer.modules import Transformer, Pooling

warnings.filterwarnings("ignore")
random.seed(3)
torch.manual_seed(3)

CLAIMS = {  # docket_id -> independent claim (abridged)
    11: "a bicycle hub with a ratchet pawl that engages a toothed ring",
    12: "a seed drill metering wheel with adjustable cell volume",
    13: "a heat exchanger with corrugated plates and gasket grooves",
    14: "a drone battery latch released by a spring loaded slider",
    15: "a concrete form tie with a breakable cone end",
    16: "an espresso portafilter basket with a pressure valve",
}
PATENTS = {  # patent row id -> abstract
    201: "freewheel hub in which pawls engage internal ratchet teeth",
    202: "planter with metering disc whose cells change volume",
    203: "plate heat exchanger using corrugated plates sealed by gaskets",
    204: "battery pack latch for unmanned aircraft with sliding release",
    205: "formwork tie rod with cone that breaks off after curing",
    206: "coffee filter holder including a valve to build pressure",
    207: "chain tensioner for bicycles with spring arm",
    208: "grain hopper with auger and gate valve",
}
CITATIONS = {11: {201, 207}, 12: {202}, 13: {203}, 14: {204}, 15: {205}, 16: {206}}


def build_encoder(texts, workdir):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    word = Transformer(workdir, max_seq_length=48)
    pool = Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


class CitationEvaluator:
    def __init__(self, queries, corpus, qrels, k=3):
        self.qids, self.dids = sorted(queries), sorted(corpus)
        self.queries, self.corpus, self.qrels, self.k = queries, corpus, qrels, k
        # dense id -> row tables so the metric code stays vectorised
        self.q_row = self._dense_rows(self.qids)
        self.d_row = self._dense_rows(self.dids)

    @staticmethod
    def _dense_rows(ids):
        table = torch.full((max(ids) + 1,), -1, dtype=torch.long)
        table[torch.tensor(ids)] = torch.arange(len(ids))
        return table

    def relevance(self):
        rel = torch.zeros(len(self.qids), len(self.dids), dtype=torch.bool)
        for qid, cited in self.qrels.items():
            cols = self.q_row[torch.tensor(sorted(cited))]
            rel[self.q_row[qid], cols] = True
        return rel

    def __call__(self, model):
        q_emb = model.encode([self.queries[q] for q in self.qids], convert_to_tensor=True)
        d_emb = model.encode([self.corpus[d] for d in self.dids], convert_to_tensor=True)
        scores = torch.nn.functional.normalize(q_emb, dim=-1) @ torch.nn.functional.normalize(d_emb, dim=-1).T
        ranked = scores.argsort(dim=1, descending=True)
        hits = self.relevance().gather(1, ranked)
        recall = (hits[:, : self.k].sum(1).float() / hits.sum(1).clamp(min=1)).mean()
        first = torch.where(hits.any(1), hits.float().argmax(1) + 1, torch.zeros(len(self.qids), dtype=torch.long))
        mrr = torch.where(first > 0, 1.0 / first.clamp(min=1).float(), torch.zeros(len(self.qids))).mean()
        return {f"recall@{self.k}": recall.item(), "mrr": mrr.item()}


def main():
    workdir = tempfile.mkdtemp()
    model = build_encoder(list(CLAIMS.values()) + list(PATENTS.values()), workdir)
    train = [InputExample(texts=[CLAIMS[q], PATENTS[d]]) for q, ds in CITATIONS.items() for d in ds]
    loader = DataLoader(train, batch_size=4, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(model))],
                  epochs=2, warmup_steps=1, show_progress_bar=False)
    print("warmup done, evaluating on", len(CLAIMS), "claims x", len(PATENTS), "patents")
    metrics = CitationEvaluator(CLAIMS, PATENTS, CITATIONS, k=3)(model)
    for name, value in metrics.items():
        print(f"{name:>10}: {value:.3f}")


if __name__ == "__main__":
    main()
