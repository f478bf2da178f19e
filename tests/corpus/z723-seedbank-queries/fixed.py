"""Seed-bank help desk: one sentence encoder trained on two tasks at once.

intent: match a visitor query to the desk description (in-batch negatives)
slot:   score how well a query matches a catalogue field value (cosine regression)
Each text gets a task marker token so the shared encoder knows which task it is serving.
"""
import logging
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("seedbank")
torch.manual_seed(5)

WORDS = ("how do i store wheat seeds long term germination test for old barley accession request "
         "sample of heirloom tomato dry cold storage rules viability testing ordering material "
         "lentil landrace from ethiopia bean collected in peru sorghum variety drought tolerant").split()
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))

TASKS = {
    "intent": {"marker": "[INTENT]", "loss": "mnrl", "batch_size": 3},
    "slot": {"marker": "[SLOT]", "loss": "cosine", "batch_size": 2},
}

INTENT_PAIRS = [
    ("how do i store wheat seeds long term", "dry cold storage rules"),
    ("germination test for old barley accession", "viability testing"),
    ("request sample of heirloom tomato", "ordering material"),
    ("how do i store bean seeds", "dry cold storage rules"),
    ("request sample of sorghum", "ordering material"),
    ("germination test for lentil", "viability testing"),
]
SLOT_TRIPLES = [
    ("lentil landrace from ethiopia", "ethiopia", 1.0),
    ("bean collected in peru", "peru", 1.0),
    ("sorghum variety drought tolerant", "peru", 0.0),
    ("heirloom tomato sample", "tomato", 1.0),
    ("old barley accession", "ethiopia", 0.1),
    ("wheat seeds long term", "wheat", 0.9),
]


def save_tiny_encoder():
    out = tempfile.mkdtemp()
    with open(os.path.join(out, "vocab.txt"), "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    BertTokenizer(os.path.join(out, "vocab.txt")).save_pretrained(out)
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out)
    return out


def build_model(path):
    word = Transformer(path, max_seq_length=32)
    word.tokenizer.add_tokens([t["marker"] for t in TASKS.values()], special_tokens=True)
    word.auto_model.resize_token_embeddings(len(word.tokenizer))
    pool = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def examples_for(task):
    marker = TASKS[task]["marker"]
    if task == "intent":
        for query, desk in INTENT_PAIRS:
            yield InputExample(texts=[f"{marker} {query}", desk])
    else:
        for query, value, score in SLOT_TRIPLES:
            yield InputExample(texts=[f"{marker} {query}", value], label=score)


def make_loss(kind, model):
    if kind == "mnrl":
        return losses.MultipleNegativesRankingLoss(model)
    return losses.CosineSimilarityLoss(model)


def main():
    model = build_model(save_tiny_encoder())
    log.info("encoder ready, tokenizer size %d", len(model[0].tokenizer))

    task_losses = {name: make_loss(spec["loss"], model) for name, spec in TASKS.items()}
    objectives = []
    for name, spec in TASKS.items():
        data = list(examples_for(name))
        log.info("task %s: %d examples", name, len(data))
        loader = DataLoader(data, batch_size=spec["batch_size"], shuffle=True)
        objectives.append((loader, task_losses[name]))

    model.old_fit(train_objectives=objectives, epochs=2, warmup_steps=0, show_progress_bar=False)

    probe = model.encode(["[INTENT] how do i store wheat seeds", "dry cold storage rules"])
    sim = torch.nn.functional.cosine_similarity(torch.tensor(probe[0]), torch.tensor(probe[1]), dim=0)
    log.info("probe similarity %.3f", sim.item())


if __name__ == "__main__":
    main()
