"""Contrastive fine-tuning of a tiny sentence encoder on apiary inspection notes.

Each inspection note is paired with the beekeeper's short summary of it; the
encoder learns to bring a note and its summary together (MultipleNegativesRanking).
Components talk through a tiny event bus so the notebook cells can be rearranged.
"""
import logging
import os
import random
import tempfile
from collections import defaultdict

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
log = logging.getLogger("apiary")

random.seed(7)
torch.manual_seed(7)


class EventBus:
    def __init__(self):
        self._handlers = defaultdict(list)

    def subscribe(self, name, fn):
        self._handlers[name].append(fn)

    def emit(self, name, **payload):
        log.info("event %s (%d handlers)", name, len(self._handlers[name]))
        for fn in self._handlers[name]:
            fn(**payload)


bus = EventBus()
STATE = {}

WORDS = ("hive frame brood queen cells capped larvae eggs honey pollen nectar varroa mites "
         "drone worker comb super colony swarm inspection calm aggressive strong weak healthy "
         "treatment oxalic sugar syrup feeding winter spring cluster entrance robbing wax moth "
         "beetle laying pattern spotty solid good poor no signs of seen on the in and with").split()

NOTES = [
    ("queen seen laying solid pattern capped brood on frame", "healthy colony good laying pattern"),
    ("varroa mites seen on drone brood oxalic treatment", "mites present treatment started"),
    ("colony calm honey super capped nectar and pollen in", "strong colony honey flow"),
    ("no eggs no larvae queen cells on frame", "queenless swarm signs"),
    ("wax moth in comb weak colony spotty brood", "weak colony wax moth"),
    ("robbing at entrance aggressive worker bees", "robbing seen entrance"),
    ("winter cluster feeding sugar syrup colony calm", "winter feeding cluster healthy"),
    ("beetle seen in super poor comb no honey", "hive beetle poor stores"),
]


def on_setup(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model_dir = os.path.join(workdir, "apiary-bert")
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    log.info("saved tiny encoder to %s (vocab %d)", model_dir, len(vocab))
    bus.emit("backbone_saved", model_dir=model_dir)


def on_backbone_saved(model_dir):
    word_model = models.Transformer(model_dir, max_seq_length=64)
    pooler = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    STATE["encoder"] = SentenceTransformer(modules=[word_model, pooler], device="cpu")
    bus.emit("model_ready")


def season_log(note, visits):
    # a season log is the concatenation of every visit's note
    return " . ".join([note] * visits)


def on_model_ready():
    examples = []
    for note, summary in NOTES:
        visits = random.randint(6, 12)
        examples.append(InputExample(texts=[season_log(note, visits), summary]))
    log.info("built %d note/summary pairs", len(examples))
    bus.emit("data_ready", examples=examples)


def on_data_ready(examples):
    encoder = STATE["encoder"]
    loader = DataLoader(examples, shuffle=True, batch_size=4)
    loss = losses.MultipleNegativesRankingLoss(encoder)
    log.info("starting fit")
    encoder.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=1,
                    show_progress_bar=False)
    bus.emit("trained")


def on_trained():
    emb = STATE["encoder"].encode(["queen seen laying", "mites on drone brood"], show_progress_bar=False)
    sim = torch.nn.functional.cosine_similarity(torch.tensor(emb[0]), torch.tensor(emb[1]), dim=0)
    log.info("similarity between two probes: %.3f", sim.item())
    print("done")


bus.subscribe("setup", on_setup)
bus.subscribe("backbone_saved", on_backbone_saved)
bus.subscribe("model_ready", on_model_ready)
bus.subscribe("data_ready", on_data_ready)
bus.subscribe("trained", on_trained)

if __name__ == "__main__":
    bus.emit("setup", workdir=tempfile.mkdtemp())
