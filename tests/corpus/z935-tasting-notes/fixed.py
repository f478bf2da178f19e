# Nearest-neighbour lookup over sommelier tasting notes.
# Encoder is a throwaway random BERT for now -- we only want the plumbing checked
# (tokenise -> encode -> pool -> cosine search) before the real checkpoint arrives.
import contextlib
import os
import tempfile
import time

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

CELLAR = {
    "riesling-mosel-2019": "petrol lime zest slate high acidity off dry long finish",
    "barolo-2015": "tar roses cherry firm tannin high acidity long finish",
    "sancerre-2021": "gooseberry flint grass citrus crisp acidity",
    "rioja-reserva-2014": "vanilla leather dried cherry soft tannin oak",
    "champagne-nv": "brioche green apple lemon fine mousse chalk",
    "port-lbv-2016": "blackberry plum chocolate sweet firm tannin",
}
QUERIES = ["lemon chalk crisp acidity", "cherry leather oak soft tannin"]


class Run:
    def __init__(self, name, settings):
        self.name, self.settings, self.marks = name, settings, {}

    def __getattr__(self, key):
        try:
            return self.settings[key]
        except KeyError:
            raise AttributeError(key)


@contextlib.contextmanager
def experiment(name, **settings):
    torch.manual_seed(settings.pop("seed", 0))
    run = Run(name, settings)
    print(f">>> {name}: {settings}")
    yield run
    print(f"<<< {name}: " + " ".join(f"{k}={v * 1000:.1f}ms" for k, v in run.marks.items()))


@contextlib.contextmanager
def timer(label, run=None):
    t0 = time.perf_counter()
    yield
    if run is not None:
        run.marks[label] = time.perf_counter() - t0


def make_tokenizer():
    words = sorted({w for text in list(CELLAR.values()) + QUERIES for w in text.split()})
    folder = tempfile.mkdtemp(prefix="cellar_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


class NoteEncoder:
    def __init__(self, tokenizer, model, max_len):
        self.tokenizer, self.model, self.max_len = tokenizer, model, max_len

    def tokenize(self, texts):
        return self.tokenizer(texts, padding="longest", truncation=True,
                              max_length=self.max_len, return_tensors="pt")

    def pool(self, states, keep):
        # average the real tokens of each note, skipping [CLS]
        vectors = []
        for row in range(states.size(0)):
            acc, n = torch.zeros(states.size(-1)), 0
            for pos in range(1, states.size(1)):
                if keep[row, pos]:
                    acc += states[row, pos]
                    n += 1
            vectors.append(acc / max(n, 1))
        return F.normalize(torch.stack(vectors), dim=-1)

    def __call__(self, texts):
        feats = self.tokenize(texts)
        states = self.model(**feats).last_hidden_state
        return self.pool(states, feats["attention_mask"])


def main():
    with experiment("cellar-search", seed=21, max_len=32, top_k=2) as run:
        tok = make_tokenizer()
        bert = BertModel(BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                                    num_attention_heads=2, intermediate_size=64,
                                    max_position_embeddings=run.max_len))
        bert.eval()
        enc = NoteEncoder(tok, bert, run.max_len)
        names = list(CELLAR)

        with torch.no_grad():
            with timer("encode", run):
                cellar_vecs = enc([CELLAR[n] for n in names])
            with timer("search", run):
                query_vecs = enc(QUERIES)
                scores = query_vecs @ cellar_vecs.T
                best = scores.topk(run.top_k, dim=-1)

        for q, vals, idx in zip(QUERIES, best.values, best.indices):
            picks = ", ".join(f"{names[i]} ({v:.2f})" for v, i in zip(vals.tolist(), idx.tolist()))
            print(f"  '{q}' -> {picks}")


if __name__ == "__main__":
    main()
