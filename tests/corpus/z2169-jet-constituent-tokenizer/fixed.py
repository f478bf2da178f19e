"""Quark/gluon jet tagging with a small BERT over discretised jet constituents.

Each constituent (pT fraction, d_eta, d_phi) is binned into a word like
"pt3eta2phi5"; a jet becomes a "sentence" ordered by pT.  The particle
species is fed through the segment (token_type) embedding.
"""
import os
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class TaggerConfig:
    n_pt_bins: int = 8
    n_eta_bins: int = 6
    n_phi_bins: int = 6
    jet_radius: float = 0.4
    max_constituents: int = 40
    n_particle_types: int = 5      # photon, electron, muon, charged hadron, neutral hadron
    hidden: int = 32
    n_jets: int = 256
    batch_size: int = 32
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 11


# 0 is kept for [CLS]/[SEP]/[PAD]
PID_CATEGORY = {
    22: 1,
    11: 2, -11: 2,
    13: 3, -13: 3,
    211: 4, -211: 4, 321: 4, -321: 4, 2212: 4, -2212: 4,
    130: 5, 2112: 5, -2112: 5,
}
PDG_CODES = np.array(list(PID_CATEGORY))


def generate_jets(cfg, rng):
    """Toy jets: gluon jets (label 1) are wider and have more constituents."""
    jets = []
    for _ in range(cfg.n_jets):
        is_gluon = int(rng.random() < 0.5)
        n = int(np.clip(rng.poisson(26 if is_gluon else 16), 4, cfg.max_constituents))
        width = 0.16 if is_gluon else 0.09
        pt = np.sort(rng.exponential(1.0, n))[::-1]
        pt = pt / pt.sum()
        deta = np.clip(rng.normal(0, width, n), -cfg.jet_radius, cfg.jet_radius - 1e-6)
        dphi = np.clip(rng.normal(0, width, n), -cfg.jet_radius, cfg.jet_radius - 1e-6)
        probs = np.where(np.isin(PDG_CODES, [22]), 4.0, 1.0)
        probs = np.where(np.isin(PDG_CODES, [130, 2112, -2112]), 1.5, probs)
        pid = rng.choice(PDG_CODES, size=n, p=probs / probs.sum())
        jets.append({"pt": pt, "deta": deta, "dphi": dphi, "pid": pid, "label": is_gluon})
    return jets


def constituent_words(jet, cfg):
    pt_edges = np.logspace(-3, 0, cfg.n_pt_bins - 1)
    ang_edges = np.linspace(-cfg.jet_radius, cfg.jet_radius, cfg.n_eta_bins + 1)[1:-1]
    pt_b = np.digitize(jet["pt"], pt_edges)
    eta_b = np.digitize(jet["deta"], ang_edges)
    phi_b = np.digitize(jet["dphi"], ang_edges)
    return [f"pt{a}eta{b}phi{c}" for a, b, c in zip(pt_b, eta_b, phi_b)]


def write_vocab(cfg, path):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for a in range(cfg.n_pt_bins):
        for b in range(cfg.n_eta_bins):
            for c in range(cfg.n_phi_bins):
                words.append(f"pt{a}eta{b}phi{c}")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return len(words)


def encode_jets(jets, tokenizer, cfg):
    max_len = cfg.max_constituents + 2
    texts = [" ".join(constituent_words(j, cfg)) for j in jets]
    enc = tokenizer(texts, padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    token_types = torch.zeros_like(enc["input_ids"])
    for i, jet in enumerate(jets):
        cats = [PID_CATEGORY[int(p)] for p in jet["pid"][: cfg.max_constituents]]
        token_types[i, 1:1 + len(cats)] = torch.tensor(cats)
    labels = torch.tensor([j["label"] for j in jets])
    return enc["input_ids"], enc["attention_mask"], token_types, labels


def build_model(cfg, vocab_size):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=2 * cfg.hidden,
        max_position_embeddings=cfg.max_constituents + 2,
        type_vocab_size=cfg.n_particle_types + 1,
        num_labels=2,
    )
    return BertForSequenceClassification(bert_cfg)


def main():
    cfg = TaggerConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    vocab_path = os.path.join(HERE, "jet_vocab.txt")
    vocab_size = write_vocab(cfg, vocab_path)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)

    jets = generate_jets(cfg, rng)
    input_ids, attn, token_types, labels = encode_jets(jets, tokenizer, cfg)
    n_unk = (input_ids == tokenizer.unk_token_id).sum().item()
    print(f"encoded {len(jets)} jets, shape {tuple(input_ids.shape)}, unk tokens: {n_unk}")

    loader = DataLoader(TensorDataset(input_ids, attn, token_types, labels),
                        batch_size=cfg.batch_size, shuffle=True)
    model = build_model(cfg, vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total, correct, running = 0, 0, 0.0
        for ids, mask, ttype, y in loader:
            out = model(input_ids=ids, attention_mask=mask, token_type_ids=ttype, labels=y)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item() * len(y)
            correct += (out.logits.argmax(-1) == y).sum().item()
            total += len(y)
        print(f"epoch {epoch}: loss {running / total:.4f}  acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
