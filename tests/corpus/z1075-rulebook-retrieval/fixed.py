"""Bi-encoder for looking up railway rulebook paragraphs from staff questions.

Short contrastive fine-tune with in-batch negatives, then an in-batch
MRR / top-1 evaluation over the held-out question stream.
"""
import itertools
import logging
import os
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.WARNING)
log = logging.getLogger("rulebook")
log.setLevel(logging.INFO)
torch.manual_seed(5)

RULEBOOK = [
    "a train must not pass a signal at danger without authority from the signaller",
    "hand signals must be given with a red flag by day and a red lamp at night",
    "before entering the track the lookout must confirm the line blockage is in place",
    "detonators must be placed on the rail at least two hundred metres from the obstruction",
    "the driver must report any animal struck on the line to the signaller immediately",
    "shunting movements in sidings are limited to walking pace unless authorised",
    "a failed level crossing must be protected by a crossing attendant before trains proceed",
    "overhead line equipment must be isolated and earthed before staff work near it",
    "when a train is stranded passengers may only be detrained with control approval",
    "speed restrictions of twenty miles per hour apply over temporary track repairs",
]
QUESTIONS = [
    ("can i pass a red signal if the signaller says so", 0), ("what hand signal do i use at night", 1),
    ("who confirms the line blockage before going on track", 2), ("how far away do detonators go", 3),
    ("we hit a deer what do i do", 4), ("how fast can we shunt in the yard", 5),
    ("crossing barriers stuck what now", 6), ("working near overhead wires", 7),
    ("can passengers walk off a stranded train", 8), ("speed over a temporary repair", 9),
    ("is a red lamp needed after dark", 1), ("deer on the line struck by the train", 4),
]

model_kwargs = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
loader_kwargs = dict(batch_size=4, shuffle=True)
fit_kwargs = dict(epochs=2, warmup_steps=1, show_progress_bar=False)
EVAL_BATCH = 4


def build_encoder():
    root = tempfile.mkdtemp()
    words = sorted({w for t in RULEBOOK + [q for q, _ in QUESTIONS] for w in t.split()})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    BertModel(BertConfig(vocab_size=len(tok), **model_kwargs)).save_pretrained(root)
    tok.save_pretrained(root)
    word = models.Transformer(root, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def pair_stream(pairs):
    for question, doc_idx in pairs:
        yield {"query": question, "doc": RULEBOOK[doc_idx], "doc_idx": doc_idx}


def batched(stream, size):
    stream = iter(stream)
    while batch := list(itertools.islice(stream, size)):
        yield batch


def in_batch_ranks(model, batch):
    q = model.encode([ex["query"] for ex in batch], convert_to_tensor=True)
    d = model.encode([ex["doc"] for ex in batch], convert_to_tensor=True)
    scores = util.cos_sim(q, d)                              # (n_queries, n_docs in batch)
    gold_cols = torch.arange(len(batch))
    gold = scores.gather(1, gold_cols.unsqueeze(1))
    return (scores > gold).sum(dim=1) + 1


def evaluate(model, pairs):
    ranks = torch.cat([in_batch_ranks(model, b) for b in batched(pair_stream(pairs), EVAL_BATCH)])
    return {"mrr": (1.0 / ranks.float()).mean().item(), "top1": (ranks == 1).float().mean().item()}


def main():
    model = build_encoder()
    train_pairs, eval_pairs = QUESTIONS[:8], QUESTIONS[8:] + QUESTIONS[:4]
    examples = [InputExample(texts=[ex["query"], ex["doc"]]) for ex in pair_stream(train_pairs)]
    loader = DataLoader(examples, **loader_kwargs)
    log.info("fine-tuning on %d pairs, evaluating on %d", len(examples), len(eval_pairs))
    model.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(model))], **fit_kwargs)

    metrics = evaluate(model, eval_pairs)
    log.info("in-batch MRR %.3f  top-1 %.3f", metrics["mrr"], metrics["top1"])


if __name__ == "__main__":
    main()
