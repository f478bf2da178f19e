"""Siamese encoder for aircraft maintenance write-ups.

Pairs of pilot/mechanic write-ups are labelled:
    0 = same defect, 1 = same ATA system but different defect, 2 = unrelated.
Trained NLI-style (SBERT SoftmaxLoss) with the classic fit loop.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, models, losses

CFG = {
    "seed": 3,
    "hidden": 48,
    "max_seq_length": 32,
    "n_pairs": 32,
    "batch_size": 16,
    "epochs": 1,
    "pooling": ["mean", "max"],
    "num_labels": 3,
}

SYSTEMS = {
    "hydraulics": ["hyd", "pressure", "low", "pump", "leak", "reservoir", "fluid"],
    "landing_gear": ["gear", "retract", "slow", "strut", "tire", "worn", "brake"],
    "avionics": ["display", "flicker", "autopilot", "disconnect", "radio", "static", "fms"],
    "cabin": ["lavatory", "inop", "seat", "recline", "broken", "galley", "oven"],
}
COMMON = ["found", "during", "walkaround", "reported", "by", "crew", "on", "climb", "intermittent", "again"]


def write_up(system, rng, defect=None):
    words = SYSTEMS[system]
    core = defect if defect is not None else rng.sample(words, 3)
    return " ".join(core + rng.sample(COMMON, rng.randint(2, 5))), core


def build_pairs(n, rng):
    pairs = []
    for _ in range(n):
        sys_a = rng.choice(list(SYSTEMS))
        text_a, defect = write_up(sys_a, rng)
        label = rng.randint(0, 2)
        if label == 0:
            text_b, _ = write_up(sys_a, rng, defect=defect)
        elif label == 1:
            text_b, _ = write_up(sys_a, rng)
        else:
            other = rng.choice([s for s in SYSTEMS if s != sys_a])
            text_b, _ = write_up(other, rng)
        pairs.append(InputExample(texts=[text_a, text_b], label=label))
    return pairs


class FaultPairTrainer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.rng = random.Random(cfg["seed"])
        torch.manual_seed(cfg["seed"])
        self.workdir = tempfile.mkdtemp(prefix="mx_sbert_")

    def _save_tiny_bert(self):
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        vocab += sorted({w for ws in SYSTEMS.values() for w in ws} | set(COMMON))
        with open(os.path.join(self.workdir, "vocab.txt"), "w") as fh:
            fh.write("\n".join(vocab) + "\n")
        tok = BertTokenizer(os.path.join(self.workdir, "vocab.txt"))
        bert = BertModel(
            BertConfig(
                vocab_size=len(vocab),
                hidden_size=self.cfg["hidden"],
                num_hidden_layers=1,
                num_attention_heads=2,
                intermediate_size=96,
                max_position_embeddings=64,
            )
        )
        bert.save_pretrained(self.workdir)
        tok.save_pretrained(self.workdir)

    def build_model(self):
        self._save_tiny_bert()
        encoder = models.Transformer(self.workdir, max_seq_length=self.cfg["max_seq_length"])
        pooling = models.Pooling(self.cfg["hidden"], pooling_mode=self.cfg["pooling"])
        return SentenceTransformer(modules=[encoder, pooling], device="cpu")

    def run(self):
        model = self.build_model()
        train_pairs = build_pairs(self.cfg["n_pairs"], self.rng)
        loader = DataLoader(train_pairs, shuffle=True, batch_size=self.cfg["batch_size"])
        objective = losses.SoftmaxLoss(
            model,
            sentence_embedding_dimension=model.get_embedding_dimension(),
            num_labels=self.cfg["num_labels"],
        )
        model.old_fit(
            train_objectives=[(loader, objective)],
            epochs=self.cfg["epochs"],
            warmup_steps=2,
            show_progress_bar=False,
        )
        emb = model.encode(["hyd pressure low found during walkaround", "gear retract slow"])
        print("embedding shape:", emb.shape)


if __name__ == "__main__":
    FaultPairTrainer(CFG).run()
