"""
Ablation-stake field notes -> daily melt rate (mm w.e. / day).

Each note has three free-text fields (station header, stake reading, remark).
We feed them as separate segments to a tiny BERT trained from scratch and
regress the melt rate.  Sanity run before the 2015-2023 notebooks get scanned.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 3
np.random.seed(SEED)
torch.manual_seed(SEED)

SEGMENT_FIELDS = ("header", "reading", "remark")
NOTES = [
    {"header": "stake 4 lower tongue 2310 m", "reading": "exposed 14 cm since last visit bare ice",
     "remark": "sunny calm", "melt_mm_we_per_day": 38.0},
    {"header": "stake 7 medial moraine 2480 m", "reading": "exposed 6 cm debris cover thin",
     "remark": "overcast drizzle", "melt_mm_we_per_day": 15.5},
    {"header": "stake 11 upper basin 2720 m", "reading": "snow 2 cm fresh no change ice",
     "remark": "cold wind", "melt_mm_we_per_day": 1.2},
    {"header": "stake 4 lower tongue 2310 m", "reading": "exposed 18 cm bare ice cryoconite",
     "remark": "sunny warm foehn", "melt_mm_we_per_day": 47.3},
    {"header": "stake 9 icefall edge 2590 m", "reading": "exposed 9 cm crevassed ice",
     "remark": "partly cloudy", "melt_mm_we_per_day": 22.8},
    {"header": "stake 11 upper basin 2720 m", "reading": "exposed 3 cm old snow wet",
     "remark": "sunny calm", "melt_mm_we_per_day": 6.4},
]


def write_vocab(texts, *, out_dir, specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    """Write a whitespace-level WordPiece vocab file and return its path.

    Parameters
    ----------
    texts : iterable of str
    out_dir : str
    specials : tuple of str, optional

    Returns
    -------
    path : str
    """
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(out_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(list(specials) + words) + "\n")
    return path


def encode_note(note, tokenizer, *, fields=SEGMENT_FIELDS, n_tokens_max=48):
    """[CLS] field_0 [SEP] field_1 [SEP] ... with one segment id per field.

    Parameters
    ----------
    note : dict
    tokenizer : BertTokenizer
    fields : tuple of str, optional
        Which text fields to use, in order.
    n_tokens_max : int, optional

    Returns
    -------
    tok_ids : list of int
    seg_ids : list of int
    """
    tok_ids = [tokenizer.cls_token_id]
    seg_ids = [0]
    for i_seg, name in enumerate(fields):
        piece = tokenizer(note[name], add_special_tokens=False)["input_ids"]
        tok_ids += piece + [tokenizer.sep_token_id]
        seg_ids += [i_seg] * (len(piece) + 1)
    return tok_ids[:n_tokens_max], seg_ids[:n_tokens_max]


def collate_notes(encoded, *, pad_id=0):
    """Right-pad (tok_ids, seg_ids) pairs into numpy arrays."""
    n_tokens = np.array([len(t) for t, _ in encoded])
    n = len(encoded)
    tok = np.full((n, n_tokens.max()), pad_id, dtype=np.int64)
    seg = np.zeros_like(tok)
    attn = np.zeros_like(tok)
    for i, (t, s) in enumerate(encoded):
        tok[i, :len(t)] = t
        seg[i, :len(s)] = s
        attn[i, :len(t)] = 1
    return tok, seg, attn, n_tokens


class MeltRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, 1)

    def forward(self, **batch):
        h_cls = self.bert(**batch).last_hidden_state[:, 0]
        return self.head(h_cls).squeeze(-1)


tmp_dir = tempfile.mkdtemp()
all_text = [n[f] for n in NOTES for f in SEGMENT_FIELDS]
tokenizer = BertTokenizer(write_vocab(all_text, out_dir=tmp_dir))

encoded = [encode_note(n, tokenizer) for n in NOTES]
tok_np, seg_np, attn_np, n_tokens = collate_notes(encoded, pad_id=tokenizer.pad_token_id)
assert tok_np.shape == seg_np.shape == attn_np.shape
assert (attn_np.sum(1) == n_tokens).all()
print(f"{len(NOTES)} notes, vocab {tokenizer.vocab_size}, n_tokens max {n_tokens.max()}")

# standardise the target; melt rates are strongly right-skewed so log1p first
melt = np.array([n["melt_mm_we_per_day"] for n in NOTES], dtype=np.float32)
log_melt = np.log1p(melt)
mu, sd = log_melt.mean(), log_melt.std()
y_t = torch.from_numpy((log_melt - mu) / sd)

cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
model = MeltRegressor(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

batch = {
    "input_ids": torch.from_numpy(tok_np),
    "token_type_ids": torch.from_numpy(seg_np),
    "attention_mask": torch.from_numpy(attn_np),
}
for step in range(30):
    model.train()
    pred_z = model(**batch)
    loss = nn.functional.mse_loss(pred_z, y_t)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d}  mse {loss.item():.4f}")

model.eval()
with torch.no_grad():
    pred_mm = np.expm1(model(**batch).numpy() * sd + mu)
rmse_mm = float(np.sqrt(np.mean((pred_mm - melt) ** 2)))
print(f"train RMSE {rmse_mm:.2f} mm w.e./day")
