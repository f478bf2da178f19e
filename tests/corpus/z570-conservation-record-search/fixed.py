"""Pooling ablation for a conservation-record search baseline.

Museum conservators search past treatment reports by describing an object's
condition or materials. Before fine-tuning anything we compare pooling choices
on top of the same (tiny, in-house) BERT checkpoint and report MRR per query set.
"""
import logging
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("consearch")
torch.manual_seed(5)

TREATMENT_REPORTS = [
    "flaking paint on panel consolidated with sturgeon glue under heated spatula",
    "bronze disease on statuette treated with benzotriazole and microcrystalline wax",
    "foxing on paper print reduced with light bleaching and washing",
    "textile banner with split silk supported on dyed crepeline by couching",
    "mould on leather binding removed by hepa vacuum and ethanol swab",
    "cracked ceramic vessel rejoined with paraloid b72 and gap filled",
    "tarnish on silver teapot removed with calcium carbonate slurry",
    "insect damage in wooden frame treated by anoxic fumigation",
]

QUERY_SETS = {
    "condition": [
        ("paint lifting and flaking from wooden panel", 0),
        ("green powdery corrosion on bronze", 1),
        ("brown spots foxing across print", 2),
        ("active mould growth on leather", 4),
    ],
    "materials": [
        ("silk textile conservation support", 3),
        ("ceramic fragments adhesive paraloid", 5),
        ("silver object polishing", 6),
        ("wooden frame insect infestation", 7),
    ],
}

POOLING_VARIANTS = {
    "cls+mean": ("cls", "mean"),
    "mean": "mean",
    "max": "max",
}

_corpus_cache = {}


def write_checkpoint(workdir):
    words = sorted({w for t in TREATMENT_REPORTS for w in t.split()}
                   | {w for qs in QUERY_SETS.values() for q, _ in qs for w in q.split()})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    ckpt = os.path.join(workdir, "conbert-tiny")
    BertModel(cfg).save_pretrained(ckpt)
    tok.save_pretrained(ckpt)
    return ckpt


def build_encoder(ckpt, pooling_mode):
    word = Transformer(ckpt, max_seq_length=48)
    pool = Pooling(word.get_embedding_dimension(), pooling_mode=pooling_mode)
    return SentenceTransformer(modules=[word, pool], device="cpu")


def corpus_embeddings(model, tag, corpus_name, docs):
    key = (tag, corpus_name)
    if key not in _corpus_cache:
        log.info("encoding corpus %r (%d docs)", corpus_name, len(docs))
        _corpus_cache[key] = model.encode(docs, batch_size=4, convert_to_tensor=True)
    return _corpus_cache[key]


def mean_reciprocal_rank(sims, gold):
    order = sims.argsort(dim=1, descending=True)
    hits = (order == gold.unsqueeze(1)).nonzero()[:, 1]
    return (1.0 / (hits.float() + 1)).mean().item()


def evaluate(model, tag, queries):
    log.debug("[%s] scoring %d queries", tag, len(queries))
    doc_vecs = corpus_embeddings(model, tag, "treatments", TREATMENT_REPORTS)
    q_vecs = model.encode([q for q, _ in queries], batch_size=4, convert_to_tensor=True)
    sims = F.cosine_similarity(q_vecs.unsqueeze(1), doc_vecs.unsqueeze(0), dim=-1)
    gold = torch.tensor([g for _, g in queries])
    return mean_reciprocal_rank(sims, gold)


def main():
    ckpt = write_checkpoint(tempfile.mkdtemp())
    results = {}
    for tag, mode in POOLING_VARIANTS.items():
        model = build_encoder(ckpt, mode)
        log.info("variant %s -> dim %d", tag, model.get_embedding_dimension())
        for set_name, queries in QUERY_SETS.items():
            results[(tag, set_name)] = evaluate(model, tag, queries)
            log.info("  %-10s MRR=%.3f", set_name, results[(tag, set_name)])

    print("\nvariant     " + "  ".join(f"{s:>10}" for s in QUERY_SETS))
    for tag in POOLING_VARIANTS:
        print(f"{tag:<10}  " + "  ".join(f"{results[(tag, s)]:>10.3f}" for s in QUERY_SETS))


if __name__ == "__main__":
    main()
