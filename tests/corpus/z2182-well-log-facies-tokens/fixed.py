import os
import numpy as np
import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

rng = np.random.default_rng(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
STEP_M = 0.5
WINDOW = 64
N_GR_BINS = 16
GR_RANGE = (0.0, 150.0)
FACIES = ["sand", "shaly_sand", "shale"]
FORMATION_NAMES = ["Tor", "Hod", "Draupne"]

WELLS = {
    "15/9-F-11": {"top": 2400.0, "base": 2640.0, "tops": [2445.0, 2510.0, 2590.0]},
    "15/9-F-14": {"top": 2380.0, "base": 2620.0, "tops": [2430.0, 2495.0, 2570.0]},
    "15/9-F-15": {"top": 2410.0, "base": 2650.0, "tops": [2460.0, 2530.0, 2600.0]},
}


def synth_gamma_ray(depth, tops):
    zone_mean = np.array([95.0, 40.0, 70.0, 120.0])
    zone = np.searchsorted(tops, depth, side="right")
    gr = zone_mean[zone] + 12.0 * np.sin(depth / 3.0) + 8.0 * rng.standard_normal(depth.shape)
    return np.clip(gr, 5.0, 149.0)


def facies_from_gr(gr):
    return np.digitize(gr, [55.0, 85.0])


def build_vocab():
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += [f"gr{i:02d}" for i in range(N_GR_BINS)]
    path = os.path.join(HERE, "gr_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def gr_to_words(gr):
    edges = np.linspace(*GR_RANGE, N_GR_BINS + 1)[1:-1]
    return [f"gr{b:02d}" for b in np.digitize(gr, edges)]


def load_wells():
    wells = []
    for name, w in WELLS.items():
        depth = np.arange(w["top"], w["base"], STEP_M)
        gr = synth_gamma_ray(depth, w["tops"])
        zone = np.searchsorted(w["tops"], depth, side="right")
        wells.append({"name": name, "depth": depth, "gr": gr,
                      "zone": zone, "facies": facies_from_gr(gr)})
    return wells


def cut_windows(wells, stride):
    out = []
    for w in wells:
        for start in range(0, len(w["depth"]) - WINDOW + 1, stride):
            sl = slice(start, start + WINDOW)
            out.append({"words": gr_to_words(w["gr"][sl]), "zone": w["zone"][sl],
                        "facies": w["facies"][sl], "well": w["name"]})
    return out


def encode_batch(tokenizer, windows):
    enc = tokenizer([" ".join(win["words"]) for win in windows], padding="max_length",
                    max_length=WINDOW + 2, truncation=True, return_tensors="pt")
    n = len(windows)
    token_type_ids = torch.zeros(n, WINDOW + 2, dtype=torch.long)
    labels = torch.full((n, WINDOW + 2), -100, dtype=torch.long)
    for i, win in enumerate(windows):
        token_type_ids[i, 1:WINDOW + 1] = torch.as_tensor(win["zone"])
        labels[i, 1:WINDOW + 1] = torch.as_tensor(win["facies"])
    enc["token_type_ids"] = token_type_ids
    enc["labels"] = labels
    return enc


def main():
    tokenizer = BertTokenizer(build_vocab())
    windows = cut_windows(load_wells(), stride=32)
    order = rng.permutation(len(windows))
    windows = [windows[i] for i in order]
    print(f"{len(windows)} windows of {WINDOW} samples ({WINDOW * STEP_M:.0f} m)")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        type_vocab_size=len(FORMATION_NAMES) + 1,
        num_labels=len(FACIES),
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForTokenClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    batch_size = 8
    model.train()
    for epoch in range(2):
        losses = []
        for b in range(0, len(windows), batch_size):
            batch = encode_batch(tokenizer, windows[b:b + batch_size])
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch} mean loss {np.mean(losses):.4f}")

    model.eval()
    with torch.no_grad():
        batch = encode_batch(tokenizer, windows[:4])
        pred = model(**batch).logits.argmax(-1)
        mask = batch["labels"] != -100
        acc = (pred[mask] == batch["labels"][mask]).float().mean().item()
    print(f"facies accuracy on 4 windows: {acc:.2f}")


if __name__ == "__main__":
    main()
