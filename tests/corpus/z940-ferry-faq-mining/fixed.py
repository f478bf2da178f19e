"""Mine hard negatives for a ferry-operator FAQ bi-encoder, then fine-tune it with MNRL."""
import asyncio
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util

random.seed(7)
torch.manual_seed(7)

# answers exported from the helpdesk wiki; some sections repeat the same answer verbatim
ANSWERS = [
    "vehicles must check in forty minutes before departure",
    "pets travel in the vehicle deck kennels",
    "refunds are issued to the original card within ten days",
    "vehicles must check in forty minutes before departure",
    "bicycles are carried free of charge on all routes",
    "cabins can be upgraded at the purser desk",
    "refunds are issued to the original card within ten days",
    "the night crossing leaves the north pier at eleven",
    "pets travel in the vehicle deck kennels",
    "tall vehicles need a height ticket for the lower deck",
    "bicycles are carried free of charge on all routes",
    "foot passengers board through the terminal gate",
    "the night crossing leaves the north pier at eleven",
    "cabins can be upgraded at the purser desk",
]
# (question, index of its answer in ANSWERS)
QUESTIONS = [
    ("when do i need to arrive with my car", 0),
    ("can my dog come on board", 8),
    ("how long does a refund take", 6),
    ("do i pay extra for a bike", 10),
    ("where do walk on passengers go", 11),
    ("what time is the overnight ferry", 12),
    ("my van is over two metres high", 9),
    ("how do i get a better cabin", 13),
]


def build_encoder(words):
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(tmp)
    tok.save_pretrained(tmp)
    word = models.Transformer(tmp, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def dedupe(texts):
    """Unique texts plus, for every original row, its position in the unique list."""
    uniq, seen, inverse = [], {}, []
    for t in texts:
        if t not in seen:
            seen[t] = len(uniq)
            uniq.append(t)
        inverse.append(seen[t])
    return uniq, inverse


async def load_answers():
    await asyncio.sleep(0)
    return list(ANSWERS)


async def load_questions():
    await asyncio.sleep(0)
    return list(QUESTIONS)


async def mine(model, queue, k=2):
    answers, questions = await asyncio.gather(load_answers(), load_questions())
    uniq, inverse = dedupe(answers)
    print(f"{len(answers)} answers, {len(uniq)} unique")
    uniq_emb = model.encode(uniq, convert_to_tensor=True)
    q_emb = model.encode([q for q, _ in questions], convert_to_tensor=True)
    sims = util.cos_sim(q_emb, uniq_emb)
    for qi, (question, gold) in enumerate(questions):
        # never pick the positive itself as a negative
        sims[qi, inverse[gold]] = float("-inf")
        top = sims[qi].topk(k).indices.tolist()
        for pos in top:
            await queue.put(InputExample(texts=[question, answers[gold], uniq[pos]]))
    await queue.put(None)


async def collect(queue):
    triples = []
    while (item := await queue.get()) is not None:
        triples.append(item)
    return triples


def train(model, triples):
    loader = DataLoader(triples, shuffle=True, batch_size=4)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=1, show_progress_bar=False)
    print("trained on", len(triples), "triples")


async def main():
    words = {w for t in ANSWERS + [q for q, _ in QUESTIONS] for w in t.split()}
    model = build_encoder(words)
    queue = asyncio.Queue(maxsize=4)
    _, triples = await asyncio.gather(mine(model, queue), collect(queue))
    train(model, triples)


if __name__ == "__main__":
    asyncio.run(main())
