# %% [markdown]
# # VHF channel 16 exchanges: does the exchange need a follow-up?
# call / reply pairs from the coast station log, tiny BERT encoder, segment ids built by hand

# %%
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

# %%
log = [
    ("mayday mayday engine room fire two miles south of the breakwater",
     "received mayday , lifeboat launching , stand by on channel sixteen",
     "wind northwest force six , sea state rough"),
    ("pan pan yacht lost steering drifting toward the sandbank",
     "received pan pan , what is your position and persons on board",
     "visibility moderate , occasional rain"),
    ("securite fishing gear adrift near the north cardinal buoy",
     "thank you skipper , will broadcast navigation warning",
     "wind west force three , sea state slight"),
    ("radio check radio check this is sailing vessel blue heron",
     "blue heron you are loud and clear",
     "good visibility , wind light and variable"),
]
follow_up = [1, 1, 0, 0]

# %%
words = sorted({w for triple in log for part in triple for w in part.split()})
tmp = tempfile.mkdtemp()
vpath = os.path.join(tmp, "vocab.txt")
with open(vpath, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(vpath)
print(len(tok), "tokens in vocab")

# %%
N_SEGMENTS = 2   # call, reply

# %%
config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=128, type_vocab_size=3)
encoder = BertModel(config)
clf = nn.Linear(config.hidden_size, 2)

# %%
def pack(parts):
    """[CLS] a [SEP] b [SEP] ... with one segment id per part"""
    ids, segs = [tok.cls_token_id], [0]
    for seg, text in enumerate(parts):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids += piece
        segs += [seg] * len(piece)
    return ids, segs

def make_batch(rows):
    packed = [pack(r[:N_SEGMENTS]) for r in rows]
    width = max(len(p[0]) for p in packed)
    ids_t = torch.full((len(rows), width), tok.pad_token_id)
    seg_ids = torch.zeros((len(rows), width), dtype=torch.long)
    att = torch.zeros((len(rows), width), dtype=torch.long)
    for r, (ids, segs) in enumerate(packed):
        ids_t[r, :len(ids)] = torch.tensor(ids)
        seg_ids[r, :len(segs)] = torch.tensor(segs)
        att[r, :len(ids)] = 1
    return ids_t, seg_ids, att

# %%
ids_t, seg_ids, att = make_batch(log)
print(ids_t.shape, seg_ids.max().item())
out = encoder(input_ids=ids_t, attention_mask=att, token_type_ids=seg_ids)
print(out.pooler_output.shape)

# %%
# weather line from the same log entry probably matters (force six + fire vs. radio check)
# -> add it as a third segment
N_SEGMENTS = 3
ids_t, seg_ids, att = make_batch(log)
ids_t.shape, seg_ids.max()

# %%
opt = torch.optim.AdamW(list(encoder.parameters()) + list(clf.parameters()), lr=1e-3)
target = torch.tensor(follow_up)
encoder.train()
for epoch in range(5):
    opt.zero_grad()
    pooled = encoder(input_ids=ids_t, attention_mask=att, token_type_ids=seg_ids).pooler_output
    loss = nn.functional.cross_entropy(clf(pooled), target)
    loss.backward()
    opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

# %%
encoder.eval()
with torch.no_grad():
    probs = clf(encoder(input_ids=ids_t, attention_mask=att, token_type_ids=seg_ids).pooler_output).softmax(-1)
for (call, _, _), p in zip(log, probs[:, 1].tolist()):
    print(f"{p:.2f}  {call[:50]}")
