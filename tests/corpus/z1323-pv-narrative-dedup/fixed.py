"""Duplicate detection for pharmacovigilance case narratives.

Two reports of the same adverse event often arrive from different sources (the
prescriber and the pharmacist, say). We train a small bi-encoder on scored pairs
so the intake team can flag likely duplicates before medical review.
"""
import logging
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
log = logging.getLogger("pv.dedup")

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
DOMAIN_WORDS = ("patient female male aged years started on daily mg developed rash fever nausea "
                "after dose days was hospitalised discontinued recovered reported by pharmacist "
                "physician liver enzymes elevated the and with of a to in drug reaction").split()

PAIRS = [
    ("Patient, female aged 54 years, started on amoxicillin 500 mg daily and developed a generalised "
     "rash with fever after the third dose; drug was discontinued on day 4 and the patient recovered "
     "without sequelae, reported by the treating physician at the outpatient clinic.",
     "Pharmacist reports a female patient, 54 years, on amoxicillin 500 mg, with rash and fever after "
     "three doses; amoxicillin stopped on day 4, patient recovered fully, no hospitalisation needed.", 0.9),
    ("Male aged 67 years on atorvastatin 40 mg daily for two years, liver enzymes elevated at routine "
     "review (ALT three times upper limit), atorvastatin discontinued, enzymes normalised after six "
     "weeks, reported by the physician.",
     "Female aged 31 years developed nausea and dizziness two days after starting sertraline 50 mg "
     "daily; dose was reduced to 25 mg and the symptoms resolved within a week, reported by pharmacist.", 0.1),
    ("Patient was hospitalised with fever, rash and eosinophilia 21 days after carbamazepine was "
     "started at 200 mg twice daily; drug reaction with eosinophilia suspected, carbamazepine stopped, "
     "steroids given, patient recovered after a long admission.",
     "Hospital physician reports DRESS in a patient on carbamazepine 200 mg twice daily for three "
     "weeks: fever, widespread rash, eosinophilia, elevated liver enzymes; drug withdrawn, steroids, "
     "recovered.", 0.85),
    ("Male aged 45 years reported nausea after the first dose of metformin 850 mg, continued the drug "
     "with food and the nausea settled within days, reported by the patient himself via the app.",
     "Elderly female on warfarin with an elevated INR after a course of clarithromycin for a chest "
     "infection; warfarin held for two days, INR back in range, reported by the anticoagulation clinic.", 0.05),
]


class DedupConfig:
    __slots__ = ("hidden", "layers", "heads", "context_window", "seq_len_override", "batch_size", "epochs")

    def __init__(self, hidden=32, layers=1, heads=2, context_window=32, seq_len_override=None,
                 batch_size=2, epochs=1):
        self.hidden, self.layers, self.heads = hidden, layers, heads
        self.context_window = context_window
        self.seq_len_override = seq_len_override
        self.batch_size, self.epochs = batch_size, epochs

    @classmethod
    def from_dict(cls, d):
        return cls(**{k: v for k, v in d.items() if k in cls.__slots__})

    @classmethod
    def for_task(cls, task):
        presets = {
            "smoke": {"context_window": 32},
            # narratives run long, don't cut them short
            "narrative_dedup": {"context_window": 128, "seq_len_override": 128, "batch_size": 2},
        }
        return cls.from_dict(presets[task])

    @property
    def max_seq_length(self):
        return self.seq_len_override or self.context_window

    @property
    def intermediate(self):
        return self.hidden * 2


class NarrativeEncoder:
    __slots__ = ("cfg", "model")

    def __init__(self, cfg, model):
        self.cfg, self.model = cfg, model

    @staticmethod
    def write_backbone(cfg, out_dir):
        vocab = BASE_VOCAB + sorted(set(DOMAIN_WORDS)) + list(",;:.()")
        with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
            fh.write("\n".join(vocab) + "\n")
        tok = BertTokenizer(os.path.join(out_dir, "vocab.txt"))
        bert_cfg = BertConfig(vocab_size=len(vocab), hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
                              num_attention_heads=cfg.heads, intermediate_size=cfg.intermediate,
                              max_position_embeddings=cfg.context_window)
        BertModel(bert_cfg).save_pretrained(out_dir)
        tok.save_pretrained(out_dir)
        return out_dir

    @classmethod
    def from_config(cls, cfg):
        path = cls.write_backbone(cfg, tempfile.mkdtemp(prefix="pv_bert_"))
        word = Transformer(path, max_seq_length=cfg.max_seq_length)
        pool = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
        return cls(cfg, SentenceTransformer(modules=[word, pool], device="cpu"))

    def train(self, pairs):
        examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in pairs]
        loader = DataLoader(examples, shuffle=True, batch_size=self.cfg.batch_size)
        loss = CosineSimilarityLoss(self.model)
        log.info("training on %d pairs, max_seq_length=%d", len(examples), self.model.max_seq_length)
        self.model.old_fit(train_objectives=[(loader, loss)], epochs=self.cfg.epochs, warmup_steps=1,
                           show_progress_bar=False)
        return self


def main():
    random.seed(7)
    np.random.seed(7)
    torch.manual_seed(7)
    cfg = DedupConfig.for_task("narrative_dedup")
    encoder = NarrativeEncoder.from_config(cfg).train(PAIRS)
    emb = encoder.model.encode([p[0] for p in PAIRS] + [p[1] for p in PAIRS], convert_to_tensor=True)
    n = len(PAIRS)
    sims = torch.nn.functional.cosine_similarity(emb[:n], emb[n:])
    for (a, b, gold), s in zip(PAIRS, sims.tolist()):
        print(f"gold={gold:.2f} pred={s:+.3f} | {a[:40]}...")


if __name__ == "__main__":
    main()
