"""Multi-task fine-tuning of a small sentence encoder for the lab-safety assistant.

Two objectives share one encoder:
  * hazard_class  - classify a full written procedure into a hazard tier
  * reagent_match - decide whether two reagent descriptions refer to the same stock
"""
import logging
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, models

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("labsafety")

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

SHARED_DEFAULTS = {"max_seq_length": 128, "batch_size": 4, "lr": 5e-4, "pooling": "mean"}

TASK_SPECS = {
    "reagent_match": {"labels": ["different", "same"], "pair": True, "loss": nn.CrossEntropyLoss()},
    "hazard_class": {"labels": ["routine", "elevated", "critical"], "pair": False, "loss": nn.CrossEntropyLoss()},
}
for spec in TASK_SPECS.values():
    spec["num_labels"] = len(spec["labels"])

STEPS = {
    "routine": ["weigh the buffer salt on the balance", "dissolve the salt in distilled water",
                "adjust the ph with dilute acid", "label the bottle and store at room temperature"],
    "elevated": ["work inside the fume hood", "add the solvent slowly while stirring",
                 "heat the flask on the mantle under reflux", "cool the mixture before filtering"],
    "critical": ["purge the line with dry nitrogen", "transfer the pyrophoric reagent by cannula",
                 "quench the residue with cold isopropanol", "keep the sash low and wear the face shield"],
}
REAGENT_PAIRS = [
    ("sodium chloride stock solution", "saline stock in the cold room", 1),
    ("dry toluene over sieves", "anhydrous toluene bottle", 1),
    ("dilute hydrochloric acid", "acetone wash bottle", 0),
    ("butyllithium in hexanes", "distilled water carboy", 0),
    ("phosphate buffer at neutral ph", "phosphate buffer stock", 1),
    ("ethanol for cleaning", "nitric acid waste", 0),
]


def build_procedure(tier, n_repeats):
    # SOP sheets list the checklist a few times over
    steps = STEPS[tier] * n_repeats
    random.shuffle(steps)
    return " then ".join(steps)


def write_encoder(workdir):
    words = set()
    for steps in STEPS.values():
        for s in steps:
            words.update(s.split())
    for a, b, _ in REAGENT_PAIRS:
        words.update(a.split() + b.split())
    words.add("then")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    enc_dir = os.path.join(workdir, "encoder")
    BertModel(cfg).save_pretrained(enc_dir)
    tok.save_pretrained(enc_dir)
    log.info("wrote encoder with vocab of %d", len(vocab))
    return enc_dir


class RoutedTaskLoss(nn.Module):
    """Pools with the shared encoder and sends the embedding to the head named after the task."""

    def __init__(self, model, heads, task):
        super().__init__()
        self.model = model
        self.heads = heads
        self.task = task

    def forward(self, sentence_features, labels):
        embs = [self.model(f)["sentence_embedding"] for f in sentence_features]
        if TASK_SPECS[self.task]["pair"]:
            u, v = embs
            feats = torch.cat([u, v, torch.abs(u - v)], dim=-1)
        else:
            feats = embs[0]
        logits = self.heads[self.task](feats)
        return TASK_SPECS[self.task]["loss"](logits, labels)


def main():
    workdir = tempfile.mkdtemp(prefix="labsafety_")
    enc_dir = write_encoder(workdir)

    # the shared default must not exceed the encoder's position table
    max_len = min(SHARED_DEFAULTS["max_seq_length"], BertConfig.from_pretrained(enc_dir).max_position_embeddings)
    word_embedding = models.Transformer(enc_dir, max_seq_length=max_len)
    pooling = models.Pooling(word_embedding.get_word_embedding_dimension(), pooling_mode=SHARED_DEFAULTS["pooling"])
    model = SentenceTransformer(modules=[word_embedding, pooling], device="cpu")
    dim = model.get_sentence_embedding_dimension()

    heads = nn.ModuleDict({
        name: nn.Linear(dim * (3 if spec["pair"] else 1), spec["num_labels"])
        for name, spec in TASK_SPECS.items()
    })

    hazard_examples = []
    for label_id, tier in enumerate(TASK_SPECS["hazard_class"]["labels"]):
        for _ in range(4):
            hazard_examples.append(InputExample(texts=[build_procedure(tier, n_repeats=3)], label=label_id))
    match_examples = [InputExample(texts=[a, b], label=y) for a, b, y in REAGENT_PAIRS]
    log.info("hazard examples: %d, reagent pairs: %d", len(hazard_examples), len(match_examples))

    objectives = []
    for task, examples in [("reagent_match", match_examples), ("hazard_class", hazard_examples)]:
        loader = DataLoader(examples, shuffle=True, batch_size=SHARED_DEFAULTS["batch_size"])
        objectives.append((loader, RoutedTaskLoss(model, heads, task)))

    model.old_fit(
        train_objectives=objectives,
        epochs=1,
        warmup_steps=0,
        optimizer_params={"lr": SHARED_DEFAULTS["lr"]},
        show_progress_bar=False,
    )
    emb = model.encode(["work inside the fume hood then heat the flask on the mantle under reflux"])
    log.info("done, embedding shape %s", emb.shape)


if __name__ == "__main__":
    main()
