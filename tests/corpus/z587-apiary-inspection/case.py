"""Apiary inspection triage: tags field notes from hive inspections with a colony-health status."""
import logging
import os
import tempfile
from itertools import islice

import torch
import yaml
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, default_data_collator

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
log = logging.getLogger("apiary.triage")

SERVICE_YAML = """
tokenizer:
  max_length: 40
  padding: true
model:
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: 64
statuses: [healthy, queenless, swarm_risk, varroa_high, starving]
serving:
  micro_batch: 3
"""

NOTE_WORDS = ("brood frames capped queen seen eggs larvae no cells swarm drones mites varroa "
              "count high low stores honey empty feed syrup pollen strong weak colony laying pattern "
              "spotty supers added hive box two three bees many few on").split()

REGISTRY = {}


def component(key):
    def wrap(fn):
        REGISTRY[key] = fn
        return fn
    return wrap


@component("tokenizer")
def make_tokenizer(workdir):
    vocab = os.path.join(workdir, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + NOTE_WORDS) + "\n")
    return BertTokenizer(vocab)


@component("classifier")
def make_classifier(model_cfg, statuses, vocab_size):
    conf = BertConfig(vocab_size=vocab_size, num_labels=len(statuses),
                      id2label=dict(enumerate(statuses)), **model_cfg)
    return BertForSequenceClassification(conf).eval()


REGISTRY["collate"] = default_data_collator


class NoteFeaturizer:
    """Per-record adapter so notes can be featurized as they stream in from the field app."""

    def __init__(self, tokenizer, max_length, padding):
        self.tokenizer = tokenizer
        self.kw = dict(truncation=True, max_length=max_length, padding=padding)

    def __call__(self, note):
        enc = self.tokenizer(note["text"], **self.kw)
        return {k: enc[k] for k in ("input_ids", "token_type_ids", "attention_mask")}


class Classify:
    def __init__(self, model):
        self.model = model

    @torch.no_grad()
    def __call__(self, batch):
        logits = self.model(**batch).logits
        return [self.model.config.id2label[i] for i in logits.argmax(-1).tolist()]


class Pipeline:
    def __init__(self, featurize, collate, steps):
        self.featurize, self.collate, self.steps = featurize, collate, steps

    def __call__(self, notes):
        batch = self.collate([self.featurize(n) for n in notes])
        for step in self.steps:
            batch = step(batch)
        return batch


def stream(notes, size):
    it = iter(notes)
    while chunk := list(islice(it, size)):
        yield chunk


if __name__ == "__main__":
    torch.manual_seed(3)
    cfg = yaml.safe_load(SERVICE_YAML)
    tok = REGISTRY["tokenizer"](tempfile.mkdtemp(prefix="apiary-"))
    clf = REGISTRY["classifier"](cfg["model"], cfg["statuses"], len(tok))
    featurize = NoteFeaturizer(tok, **cfg["tokenizer"])
    pipe = Pipeline(featurize, REGISTRY["collate"], [Classify(clf)])

    inspections = [
        {"hive": "A-01", "text": "queen seen eggs and larvae laying pattern strong"},
        {"hive": "A-02", "text": "no queen no eggs"},
        {"hive": "A-03", "text": "many queen cells capped on frames swarm drones many bees"},
        {"hive": "B-01", "text": "varroa count high mites on drones"},
        {"hive": "B-02", "text": "stores empty feed syrup colony weak few bees"},
        {"hive": "B-03", "text": "two supers added honey stores strong"},
    ]
    log.info("triaging %d inspection notes", len(inspections))
    for chunk in stream(inspections, cfg["serving"]["micro_batch"]):
        for note, status in zip(chunk, pipe(chunk)):
            log.info("hive %s -> %s", note["hive"], status)
