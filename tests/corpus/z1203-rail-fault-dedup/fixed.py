"""Train a small sentence embedder to spot duplicate railway signalling fault tickets.

Tickets about the same interlocking section are treated as near-duplicates; the rest as unrelated.
Some tickets carry a pasted event log from the interlocking, so lengths vary a lot.
"""
import os
import random
import tempfile
import itertools
from concurrent.futures import ThreadPoolExecutor

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(5)
torch.manual_seed(5)

EVENT_LOG = (
    "0612 track circuit 14T down 0612 signal 22 to danger 0613 track circuit 14T up "
    "0613 signal 22 proceed 0615 track circuit 14T down 0615 signal 22 to danger "
    "0616 track circuit 14T up 0616 signal 22 proceed 0618 track circuit 14T down "
    "0618 signal 22 to danger 0619 technician requested 0620 track circuit 14T up"
)

TICKETS = [
    ("T101", "north junction", "track circuit 14T dropping intermittently signal 22 reverting to danger"),
    ("T102", "north junction", "signal 22 flicking to danger with 14T showing occupied no train present " + EVENT_LOG),
    ("T103", "north junction", "repeated 14T bobbing reported by signaller at north junction"),
    ("T104", "river bridge", "points 31 failed to detect normal after reversing"),
    ("T105", "river bridge", "points 31 out of correspondence heater suspected"),
    ("T106", "river bridge", "no detection on points 31 normal side during morning peak"),
    ("T107", "depot throat", "axle counter section 7 disturbed needs reset"),
    ("T108", "depot throat", "axle counter 7 failed reset attempts after train passed " + EVENT_LOG),
]


def build_model_dir():
    words = sorted({w for _, _, text in TICKETS for w in text.lower().split()})
    model_dir = tempfile.mkdtemp(prefix="rail_bert_")
    with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


def measure(tokenizer, ticket):
    tid, section, text = ticket
    n_tokens = len(tokenizer(text)["input_ids"])
    return {"id": tid, "section": section, "text": text, "n_tokens": n_tokens}


def pair_up(records):
    """Same section -> near duplicate (0.9), different section -> unrelated (0.1)."""
    examples = []
    for a, b in itertools.combinations(records, 2):
        score = 0.9 if a["section"] == b["section"] else 0.1
        examples.append(InputExample(texts=[a["text"], b["text"]], label=score))
    return examples


def main():
    model_dir = build_model_dir()
    word_model = models.Transformer(model_dir)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    embedder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    with ThreadPoolExecutor(max_workers=4) as pool:
        records = list(pool.map(lambda t: measure(word_model.tokenizer, t), TICKETS))
    records.sort(key=lambda r: (r["section"], r["id"]))

    longest = max(r["n_tokens"] for r in records)
    print(f"{len(records)} tickets, token counts {[r['n_tokens'] for r in records]}")
    # keep whole event logs, they carry most of the signal for these faults
    embedder.max_seq_length = min(longest, word_model.auto_model.config.max_position_embeddings)
    print("max_seq_length set to", embedder.max_seq_length)

    train_examples = pair_up(records)
    random.shuffle(train_examples)
    loader = DataLoader(train_examples, batch_size=4, shuffle=True)
    objective = losses.CosineSimilarityLoss(embedder)

    embedder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                     show_progress_bar=False)

    vecs = embedder.encode([r["text"] for r in records], convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(vecs[0:1], vecs)
    for r, s in zip(records, sims.tolist()):
        print(f"{records[0]['id']} vs {r['id']} ({r['section']}): {s:.3f}")


if __name__ == "__main__":
    main()
