import abc
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(99)
np.random.seed(99)
torch.manual_seed(99)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(WORKDIR, "hk_vocab.txt")

MNEMONICS = ["EPS_VBUS", "EPS_IBAT", "ADCS_RW1", "ADCS_RW2", "TTC_AGC", "OBC_TEMP", "PL_CCD_T"]
LEVELS = [f"L{i}" for i in range(10)]

SCORERS = {}


def scorer(key):
    def _reg(cls):
        SCORERS[key] = cls
        return cls
    return _reg


@dataclass
class ScorerConfig:
    k: int = 5
    shrinkage: float = 0.1
    quantile: float = 0.95

    @classmethod
    def from_mission_profile(cls, profile: dict):
        return cls(
            k=int(profile.get("knn_k", 5)),
            shrinkage=float(profile.get("cov_shrinkage", 0.1)),
            quantile=float(profile.get("alarm_quantile", 0.95)),
        )


class AnomalyScorer(abc.ABC):
    def __init__(self, cfg: ScorerConfig):
        self.cfg = cfg
        self.threshold = None

    @classmethod
    def from_config(cls, cfg):
        return cls(cfg)

    @abc.abstractmethod
    def fit(self, ref: np.ndarray) -> "AnomalyScorer":
        ...

    @abc.abstractmethod
    def score(self, x: np.ndarray) -> np.ndarray:
        ...

    def calibrate(self, ref):
        self.threshold = float(np.quantile(self.score(ref), self.cfg.quantile))
        return self


@scorer("mahalanobis")
class MahalanobisScorer(AnomalyScorer):
    def fit(self, ref):
        self.mu = ref.mean(0)
        cov = np.cov(ref, rowvar=False)
        cov = (1 - self.cfg.shrinkage) * cov + self.cfg.shrinkage * np.eye(cov.shape[0])
        self.prec = np.linalg.inv(cov)
        return self

    def score(self, x):
        d = x - self.mu
        return np.einsum("ij,jk,ik->i", d, self.prec, d)


@scorer("knn")
class KNNDistanceScorer(AnomalyScorer):
    def fit(self, ref):
        self.ref = ref
        return self

    def scores(self, x):
        d = np.linalg.norm(x[:, None, :] - self.ref[None, :, :], axis=-1)
        d.sort(axis=1)
        return d[:, 1:self.cfg.k + 1].mean(1)


def write_vocab():
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [m.lower() for m in MNEMONICS] + [l.lower() for l in LEVELS]
    with open(VOCAB_FILE, "w") as f:
        f.write("\n".join(toks) + "\n")


def frame_to_text(frame):
    return " ".join(f"{m} L{lvl}" for m, lvl in zip(MNEMONICS, frame))


def synth_frames(n, anomalous=False):
    base = np.array([5, 4, 3, 3, 6, 4, 2])
    frames = np.clip(base + np.random.randint(-1, 2, size=(n, len(MNEMONICS))), 0, 9)
    if anomalous:
        idx = np.random.randint(len(MNEMONICS), size=n)
        frames[np.arange(n), idx] = 9
    return [frame_to_text(f) for f in frames]


@torch.no_grad()
def embed(model, tokenizer, texts, bs=32):
    chunks = []
    for i in range(0, len(texts), bs):
        enc = tokenizer(texts[i:i + bs], padding=True, return_tensors="pt")
        hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        chunks.append(((hidden * mask).sum(1) / mask.sum(1)).numpy())
    return np.concatenate(chunks)


def main():
    write_vocab()
    tokenizer = BertTokenizer(VOCAB_FILE)
    bert = BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
    bert.eval()

    ref_emb = embed(bert, tokenizer, synth_frames(200))
    nominal_emb = embed(bert, tokenizer, synth_frames(40))
    faulty_emb = embed(bert, tokenizer, synth_frames(40, anomalous=True))

    profile = {"knn_k": "7", "cov_shrinkage": "0.2", "alarm_quantile": "0.97"}
    cfg = ScorerConfig.from_mission_profile(profile)
    detectors = {name: cls.from_config(cfg) for name, cls in SCORERS.items()}

    for name, det in detectors.items():
        det.fit(ref_emb).calibrate(ref_emb)
        fp = float((det.score(nominal_emb) > det.threshold).mean())
        tp = float((det.score(faulty_emb) > det.threshold).mean())
        print(f"{name:12s} thr={det.threshold:.3f} false_alarm={fp:.2f} detection={tp:.2f}")

    os.remove(VOCAB_FILE)


if __name__ == "__main__":
    main()
