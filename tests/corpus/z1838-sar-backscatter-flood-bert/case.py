"""Flood / no-flood classification of Sentinel-1 backscatter time series per parcel.

VV and VH sigma0 (dB) of each parcel are quantized into discrete backscatter
bins and fed as a two-segment token sequence to a small BERT encoder trained
from scratch:  [CLS] vv_1 .. vv_T [SEP] vh_1 .. vh_T [SEP]
"""
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification

torch.manual_seed(11)

N_PARCELS = 80
N_DATES = 20            # 12-day repeat over the wet season
DB_MIN, DB_MAX = -30.0, 5.0
N_BINS = 64
PAD_ID, CLS_ID, SEP_ID = 0, 1, 2
N_SPECIAL = 3


def simulate_backscatter(n, t):
    """Open water drops VV/VH sharply (specular reflection) after a flood date."""
    flooded = torch.rand(n) < 0.4
    vv = -11.0 + 1.5 * torch.randn(n, t)
    vh = -18.0 + 1.5 * torch.randn(n, t)
    onset = torch.randint(4, t - 4, (n,))
    steps = torch.arange(t)[None, :]
    water = flooded[:, None] & (steps >= onset[:, None]) & (steps < onset[:, None] + 4)
    vv = torch.where(water, vv - 10.0, vv)
    vh = torch.where(water, vh - 7.0, vh)
    return vv, vh, flooded.long()


def quantize_db(sigma0_db):
    scaled = (sigma0_db - DB_MIN) / (DB_MAX - DB_MIN)
    bins = torch.floor(scaled * N_BINS).clamp(0, N_BINS - 1)
    return bins + N_SPECIAL


def build_sequences(vv, vh):
    n = vv.shape[0]
    cls_col = torch.full((n, 1), CLS_ID)
    sep_col = torch.full((n, 1), SEP_ID)
    vv_tok = quantize_db(vv)
    vh_tok = quantize_db(vh)
    seq = torch.cat([cls_col, vv_tok, sep_col, vh_tok, sep_col], dim=1)
    seg = torch.cat([
        torch.zeros(n, vv.shape[1] + 2, dtype=torch.long),
        torch.ones(n, vh.shape[1] + 1, dtype=torch.long),
    ], dim=1)
    mask = torch.ones_like(seg)
    return seq, seg, mask


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = correct = total = 0
    with torch.no_grad():
        for tokens, segments, mask, y in loader:
            pred = model(input_ids=tokens, token_type_ids=segments, attention_mask=mask).logits.argmax(-1)
            correct += (pred == y).sum().item()
            total += len(y)
            tp += ((pred == 1) & (y == 1)).sum().item()
            fp += ((pred == 1) & (y == 0)).sum().item()
            fn += ((pred == 0) & (y == 1)).sum().item()
    f1 = 2 * tp / max(2 * tp + fp + fn, 1)
    return correct / total, f1


def main():
    vv, vh, flood_label = simulate_backscatter(N_PARCELS, N_DATES)
    tokens, segments, mask = build_sequences(vv, vh)
    print("sequence batch:", tuple(tokens.shape))

    split = int(0.8 * N_PARCELS)
    train_ds = TensorDataset(tokens[:split], segments[:split], mask[:split], flood_label[:split])
    val_ds = TensorDataset(tokens[split:], segments[split:], mask[split:], flood_label[split:])
    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=64)

    config = BertConfig(
        vocab_size=N_SPECIAL + N_BINS,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=2 * N_DATES + 8,
        type_vocab_size=2,
        pad_token_id=PAD_ID,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)

    for epoch in range(1):
        model.train()
        epoch_loss = 0.0
        for tok_b, seg_b, mask_b, y_b in train_loader:
            out = model(input_ids=tok_b, token_type_ids=seg_b, attention_mask=mask_b, labels=y_b)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            epoch_loss += out.loss.item() * len(y_b)
        acc, f1 = evaluate(model, val_loader)
        print(f"epoch {epoch}: loss {epoch_loss / split:.4f}  val acc {acc:.3f}  flood F1 {f1:.3f}")


if __name__ == "__main__":
    main()
