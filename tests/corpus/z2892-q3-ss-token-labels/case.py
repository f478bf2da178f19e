"""ssbert: per-residue secondary structure tagging with a tiny BERT over amino acids."""
from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, List, Tuple

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer


class Residue(str, Enum):
    ALA = "A"; ARG = "R"; ASN = "N"; ASP = "D"; CYS = "C"
    GLN = "Q"; GLU = "E"; GLY = "G"; HIS = "H"; ILE = "I"
    LEU = "L"; LYS = "K"; MET = "M"; PHE = "F"; PRO = "P"
    SER = "S"; THR = "T"; TRP = "W"; TYR = "Y"; VAL = "V"


class DSSP(str, Enum):
    ALPHA = "H"; THREE_TEN = "G"; PI = "I"; STRAND = "E"
    BRIDGE = "B"; TURN = "T"; BEND = "S"; COIL = "-"


Q8_TO_Q3: Dict[DSSP, str] = {
    DSSP.ALPHA: "H", DSSP.THREE_TEN: "H", DSSP.PI: "H",
    DSSP.STRAND: "E", DSSP.BRIDGE: "E",
    DSSP.TURN: "C", DSSP.BEND: "C", DSSP.COIL: "C",
}
Q3_STATES: Tuple[str, ...] = ("H", "E", "C")
DEFAULT_SCHEME = "q8"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class RunSettings:
    scheme: str = "q3"
    max_len: int = 48
    batch_size: int = 8
    epochs: int = 2
    lr: float = 3e-4
    seed: int = 13
    arch: str = "bert-tiny"
    workdir: str = field(default_factory=lambda: os.path.dirname(os.path.abspath(__file__)))

    @property
    def num_states(self) -> int:
        return len(Q3_STATES) if self.scheme == "q3" else len(DSSP)


MODEL_REGISTRY: Dict[str, Callable[..., torch.nn.Module]] = {}


def register(name: str):
    def deco(fn):
        MODEL_REGISTRY[name] = fn
        return fn
    return deco


def build_label_map(scheme: str = DEFAULT_SCHEME) -> Dict[str, int]:
    if scheme == "q8":
        return {s.value: i for i, s in enumerate(DSSP)}
    q3_index = {s: i for i, s in enumerate(Q3_STATES)}
    return {s.value: q3_index[Q8_TO_Q3[s]] for s in DSSP}


def write_residue_vocab(workdir: str) -> str:
    path = os.path.join(workdir, "residue_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + [r.value for r in Residue]) + "\n")
    return path


def synth_chain(rng: random.Random, length: int) -> Tuple[str, str]:
    seq = "".join(rng.choice([r.value for r in Residue]) for _ in range(length))
    ss: List[str] = []
    while len(ss) < length:
        state = rng.choice(list(DSSP)).value
        ss.extend(state * rng.randint(2, 7))
    return seq, "".join(ss[:length])


class ChainDataset(Dataset):
    def __init__(self, chains: List[Tuple[str, str]], tokenizer: BertTokenizer,
                 label_map: Dict[str, int], max_len: int):
        self.chains = chains
        self.tok = tokenizer
        self.label_map = label_map
        self.max_len = max_len

    def __len__(self) -> int:
        return len(self.chains)

    def __getitem__(self, idx: int) -> Dict[str, torch.Tensor]:
        seq, ss = self.chains[idx]
        enc = self.tok(" ".join(seq), truncation=True, max_length=self.max_len,
                       padding="max_length", return_tensors="pt")
        n_res = min(len(seq), self.max_len - 2)
        labels = torch.full((self.max_len,), -100, dtype=torch.long)
        labels[1:n_res + 1] = torch.tensor([self.label_map[c] for c in ss[:n_res]])
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = labels
        return item


@register("bert-tiny")
def build_bert_tiny(vocab_size: int, num_labels: int, max_len: int) -> BertForTokenClassification:
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=max_len + 8, num_labels=num_labels)
    return BertForTokenClassification(cfg)


def q3_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    mask = labels != -100
    pred = logits.argmax(-1)
    return (pred[mask] == labels[mask]).float().mean().item()


def train(settings: RunSettings) -> None:
    rng = random.Random(settings.seed)
    torch.manual_seed(settings.seed)
    vocab_path = write_residue_vocab(settings.workdir)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

    chains = [synth_chain(rng, rng.randint(20, 60)) for _ in range(64)]
    split = int(0.8 * len(chains))
    label_map = build_label_map()
    train_ds = ChainDataset(chains[:split], tokenizer, label_map, settings.max_len)
    valid_ds = ChainDataset(chains[split:], tokenizer, label_map, settings.max_len)
    train_dl = DataLoader(train_ds, batch_size=settings.batch_size, shuffle=True)
    valid_dl = DataLoader(valid_ds, batch_size=settings.batch_size)

    model = MODEL_REGISTRY[settings.arch](tokenizer.vocab_size, settings.num_states, settings.max_len)
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr)

    for epoch in range(settings.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        model.eval()
        with torch.no_grad():
            accs = [q3_accuracy(model(**b).logits, b["labels"]) for b in valid_dl]
        print(f"epoch {epoch}: loss={running / len(train_dl):.4f} "
              f"{settings.scheme} acc={sum(accs) / len(accs):.3f}")


if __name__ == "__main__":
    train(RunSettings())
