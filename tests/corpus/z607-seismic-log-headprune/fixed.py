"""Classify seismic-station operator log lines (earthquake / quarry blast / noise)
with a tiny BERT trained through Accelerate, then prune the least confident
attention heads and check how much accuracy survives."""
import os
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(5)

EVENT_TYPES = ["earthquake", "quarry_blast", "noise"]
LOGS = [
    ("clear p and s arrivals deep event felt reports", "earthquake"),
    ("strong s wave coda aftershock sequence", "earthquake"),
    ("regional event long coda several stations", "earthquake"),
    ("felt report from town magnitude estimate", "earthquake"),
    ("shallow event daytime near quarry sharp onset", "quarry_blast"),
    ("explosion signature weak s wave working hours", "quarry_blast"),
    ("blast scheduled at mine site confirmed", "quarry_blast"),
    ("ripple fired blast pattern near pit", "quarry_blast"),
    ("wind gusts on sensor spiky trace", "noise"),
    ("truck passing near vault cultural noise", "noise"),
    ("digitizer glitch spikes no coherent arrivals", "noise"),
    ("storm microseism elevated background", "noise"),
    ("deep event clear s arrivals", "earthquake"),
    ("daytime blast near pit weak s wave", "quarry_blast"),
    ("spiky trace wind on sensor", "noise"),
]


def build_tokenizer(root):
    words = sorted({w for line, _ in LOGS for w in line.split()})
    vocab_file = os.path.join(root, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_file)


def make_loader(rows, tok, shuffle):
    def collate(batch):
        enc = tok([line for line, _ in batch], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([EVENT_TYPES.index(lab) for _, lab in batch])
        return dict(enc)
    return DataLoader(rows, batch_size=4, shuffle=shuffle, collate_fn=collate)


@torch.no_grad()
def evaluate(model, loader, accelerator):
    model.eval()
    correct = total = 0
    for batch in loader:
        preds = model(**batch).logits.argmax(-1)
        preds, refs = accelerator.gather_for_metrics((preds, batch["labels"]))
        correct += (preds == refs).sum().item()
        total += refs.numel()
    return correct / max(total, 1)


@torch.no_grad()
def head_confidence(model, loader, cfg):
    """Voita-style confidence: mean of each head's max attention weight."""
    model.eval()
    score = torch.zeros(cfg.num_hidden_layers, cfg.num_attention_heads)
    n_batches = 0
    for batch in loader:
        out = model(**batch, output_attentions=True)
        for layer_idx, att in enumerate(out.attentions):     # (batch, heads, q, k)
            score[layer_idx] += att.max(dim=-1).values.mean(dim=(0, 2)).cpu()
        n_batches += 1
    return score / n_batches


def prune_weakest_heads(model, score, n_prune):
    n_layers, n_heads = score.shape
    head_dim = model.config.hidden_size // n_heads
    keep = torch.ones(n_layers, n_heads, dtype=torch.bool)
    for flat in score.flatten().argsort()[:n_prune].tolist():
        layer, head = divmod(flat, n_heads)
        keep[layer, head] = False
    with torch.no_grad():
        for layer in range(n_layers):
            dense = model.bert.encoder.layer[layer].attention.output.dense
            for head in (~keep[layer]).nonzero().flatten().tolist():
                dense.weight[:, head * head_dim:(head + 1) * head_dim] = 0.0
    return keep


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer(tempfile.mkdtemp(prefix="seis_"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=4, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(EVENT_TYPES), attn_implementation="eager")
    model = BertForSequenceClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    train_dl = make_loader(LOGS[:12], tok, shuffle=True)
    eval_dl = make_loader(LOGS[12:] + LOGS[:3], tok, shuffle=False)
    model, optimizer, train_dl, eval_dl = accelerator.prepare(model, optimizer, train_dl, eval_dl)

    for epoch in range(6):
        model.train()
        for batch in train_dl:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} loss {loss.item():.4f}")

    base_acc = evaluate(model, eval_dl, accelerator)
    score = head_confidence(model, eval_dl, cfg)
    accelerator.print("head confidence:\n", score)
    keep = prune_weakest_heads(accelerator.unwrap_model(model), score, n_prune=3)
    pruned_acc = evaluate(model, eval_dl, accelerator)
    accelerator.print(f"kept heads per layer: {keep.sum(1).tolist()}")
    accelerator.print(f"accuracy before pruning {base_acc:.3f} after {pruned_acc:.3f}")


if __name__ == "__main__":
    main()
