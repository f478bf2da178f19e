"""Does a digitised herbarium sheet label agree with the taxon's flora description?

Pair classifier (label text, description) -> {mismatch, match} on a tiny BERT.
Segments are tokenized separately and assembled into [CLS] a [SEP] b [SEP] in numpy.
"""
import os
import tempfile
import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

np.random.seed(5)
torch.manual_seed(5)

pairs = [
    ("shrub 2 m leaves opposite flowers white fragrant collected on limestone scree",
     "deciduous shrub leaves opposite entire flowers white scented calcicole", 1),
    ("annual herb leaves basal rosette flowers yellow roadside",
     "aquatic perennial leaves floating flowers white", 0),
    ("tree 15 m bark fissured leaves pinnate fruit a winged samara",
     "tree to 20 m bark grey fissured leaves pinnate samara winged", 1),
    ("fern fronds bipinnate sori marginal damp shaded ravine",
     "grass culms erect ligule membranous spikelets awned", 0),
    ("climbing vine tendrils leaves palmately lobed fruit a berry",
     "woody climber with tendrils leaves palmate lobed berry black", 1),
    ("succulent leaves fleshy flowers pink on coastal cliffs",
     "tree bark smooth leaves simple alternate nut in cupule", 0),
    ("sedge stems trigonous leaves keeled wet meadow",
     "perennial sedge stems three angled leaves keeled wet ground", 1),
    ("orchid tuberous roots spike of purple flowers chalk grassland",
     "shrub spiny leaves trifoliate flowers yellow heath", 0),
]

# --- wordpiece vocab for the tokenizer --------------------------------------------
corpus_words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + corpus_words
vdir = tempfile.mkdtemp()
vpath = os.path.join(vdir, "vocab.txt")
with open(vpath, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vpath)
cls_id, sep_id, pad_id = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id

seqs = []
for a, b, _ in pairs:
    ia = tok.convert_tokens_to_ids(tok.tokenize(a))
    ib = tok.convert_tokens_to_ids(tok.tokenize(b))
    seqs.append(np.array([cls_id] + ia + [sep_id] + ib + [sep_id]))

n = np.array([s.size for s in seqs])
L = int(n.max())
X = np.stack([np.pad(s, (0, L - s.size), constant_values=pad_id) for s in seqs])
M = (np.arange(L)[None, :] < n[:, None]).astype(np.int64)
S = (X == sep_id).astype(np.int64)
T = (np.cumsum(S, axis=1) - S) * M    # segment index: 0 up to first [SEP], 1 after it; padding -> 0
y = np.array([lab for _, _, lab in pairs])
print(f"X {X.shape}, pos/neg = {y.sum()}/{(1 - y).sum()}, segment B share {(T == 1).mean():.2f}")

cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64,
                 max_position_embeddings=64, type_vocab_size=2, num_labels=2)
model = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

tensors = {k: torch.from_numpy(v) for k, v in
           dict(input_ids=X, attention_mask=M, token_type_ids=T, labels=y).items()}


def minibatches(bsz, rng):
    order = rng.permutation(len(seqs))
    for s0 in range(0, order.size, bsz):
        j = torch.from_numpy(order[s0:s0 + bsz])
        yield {k: v[j] for k, v in tensors.items()}


rng = np.random.default_rng(0)
for epoch in range(4):
    model.train()
    losses = []
    for batch in minibatches(4, rng):
        loss = model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    print(f"epoch {epoch}  loss {np.mean(losses):.4f}")

model.eval()
with torch.no_grad():
    feed = {k: v for k, v in tensors.items() if k != "labels"}
    prob = model(**feed).logits.softmax(-1)[:, 1].numpy()
print("P(match):", np.round(prob, 2))
print("accuracy:", ((prob > 0.5).astype(int) == y).mean())
