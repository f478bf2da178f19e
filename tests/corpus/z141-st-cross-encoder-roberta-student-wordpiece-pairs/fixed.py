"""Rerank search hits with a small from-scratch cross-encoder student (sentence-transformers CrossEncoder)."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from sentence_transformers import CrossEncoder
from transformers import BertTokenizerFast, RobertaConfig, RobertaForSequenceClassification

torch.manual_seed(0)

QUERY_HITS = {
    "reset router password": [
        "hold the reset button for ten seconds to restore factory settings",
        "our routers ship with a default admin password printed on the label",
        "the warranty covers hardware faults for two years",
    ],
    "change wifi channel": [
        "log in to the admin page and open wireless settings to pick a channel",
        "channel congestion slows wifi in apartment buildings",
        "returns are accepted within thirty days",
    ],
}


def build_wordpiece_tokenizer(folder):
    words = sorted({w for q, hits in QUERY_HITS.items() for t in [q, *hits] for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(os.path.join(folder, "vocab.txt"))


# config.json of the RoBERTa teacher reranker
TEACHER_CONFIG = {
    "architectures": ["RobertaForSequenceClassification"], "model_type": "roberta", "hidden_size": 768,
    "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072, "hidden_act": "gelu",
    "max_position_embeddings": 514, "type_vocab_size": 1, "layer_norm_eps": 1e-05, "bos_token_id": 0,
    "pad_token_id": 1, "eos_token_id": 2, "vocab_size": 50265, "num_labels": 1,
}


def save_student(folder):
    """Fresh student reranker: the teacher's config, shrunk, on our in-domain WordPiece vocabulary."""
    tokenizer = build_wordpiece_tokenizer(folder)
    overrides = dict(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=37, max_position_embeddings=66,
                     type_vocab_size=2)  # the WordPiece tokenizer marks the second text of a pair with 1
    student_cfg = RobertaConfig(**{**TEACHER_CONFIG, **overrides})
    RobertaForSequenceClassification(student_cfg).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def rerank(reranker, query, hits):
    scores = reranker.predict([(query, hit) for hit in hits], batch_size=8, show_progress_bar=False)
    order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
    return [(hits[i], float(scores[i])) for i in order]


if __name__ == "__main__":
    student_dir = save_student(tempfile.mkdtemp())
    reranker = CrossEncoder(student_dir, num_labels=1, max_length=64, device="cpu")
    for query, hits in QUERY_HITS.items():
        best, score = rerank(reranker, query, hits)[0]
        print(f"{query!r} -> {best!r} ({score:.3f})")
