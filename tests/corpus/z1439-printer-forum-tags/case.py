# Auto-tagging for the 3D printing help forum: multi-label, one sigmoid per tag,
# per-tag thresholds tuned on the held-out posts before we hand it to the mods.
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MultiLabelBinarizer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)
np.random.seed(3)

POSTS = [
    ("first layer will not stick to the glass bed", "hardware", ["bed_adhesion"]),
    ("prints lift at the corners after ten layers", "hardware", ["bed_adhesion", "warping"]),
    ("abs parts warp badly even with an enclosure", "hardware", ["warping"]),
    ("thin hairs between towers on every petg print", "slicing", ["stringing"]),
    ("retraction tuning did not fix the stringing", "slicing", ["stringing", "retraction"]),
    ("clicking extruder and gaps in the walls", "hardware", ["under_extrusion", "clogging"]),
    ("nozzle keeps clogging with cheap pla", "hardware", ["clogging"]),
    ("walls are thin and weak looks like under extrusion", "slicing", ["under_extrusion"]),
    ("flashed new firmware and now the screen is blank", "firmware", ["firmware"]),
    ("marlin build fails after enabling the bltouch", "firmware", ["firmware", "bed_leveling"]),
    ("mesh leveling shows one corner much lower", "hardware", ["bed_leveling"]),
    ("auto bed leveling probe gives random offsets", "firmware", ["bed_leveling", "firmware"]),
    ("how far should retraction be on a bowden setup", "slicing", ["retraction"]),
    ("supports fuse to the model and will not come off", "slicing", ["supports"]),
    ("tree supports leave scars on the overhang", "slicing", ["supports"]),
    ("brim helps with adhesion but corners still curl", "slicing", ["bed_adhesion", "warping"]),
    ("heater keeps dropping and printer halts with error", "firmware", ["firmware", "thermal_runaway"]),
    ("partial clog only on long prints heat creep maybe", "hardware", ["clogging", "under_extrusion"]),
    ("stringing got worse after switching to a new spool", "hardware", ["stringing"]),
    ("firmware retraction versus slicer retraction", "firmware", ["retraction", "firmware"]),
    ("bed is not level after moving the printer", "hardware", ["bed_leveling"]),
    ("nylon warps off the bed every single time", "hardware", ["warping", "bed_adhesion"]),
    ("support interface settings for a clean bottom", "slicing", ["supports"]),
    ("under extrusion only at high speed", "slicing", ["under_extrusion"]),
    ("octoprint plugin broke after firmware update", "firmware", ["firmware"]),
    ("z offset and first layer squish questions", "hardware", ["bed_leveling", "bed_adhesion"]),
    ("thermistor reading jumps and print stops", "firmware", ["thermal_runaway"]),
    ("wipe and coast settings to stop blobs and strings", "slicing", ["stringing", "retraction"]),
    ("layers shifted halfway up after the belt slipped", "hardware", ["layer_shift"]),
]


def build_tokenizer(texts):
    vocab = sorted({w for t in texts for w in t.split()})
    tmp = tempfile.mkdtemp(prefix="forum_tok_")
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
    return BertTokenizer(os.path.join(tmp, "vocab.txt"))


class Tagger(nn.Module):
    def __init__(self, cfg, n_tags):
        super().__init__()
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.head(pooled)


def minibatches(encoded, targets, size):
    order = torch.randperm(targets.shape[0])
    for start in range(0, len(order), size):
        sel = order[start:start + size]
        yield {k: v[sel] for k, v in encoded.items()}, targets[sel]


texts = [p[0] for p in POSTS]
sections = [p[1] for p in POSTS]
tag_lists = [p[2] for p in POSTS]
all_tags = sorted({t for tags in tag_lists for t in tags})
print(f"{len(POSTS)} posts, {len(all_tags)} tags in use: {all_tags}")

tr_i, va_i = train_test_split(np.arange(len(POSTS)), test_size=0.3, random_state=5, stratify=sections)
mlb = MultiLabelBinarizer().fit([tag_lists[i] for i in tr_i])
Y_tr = torch.tensor(mlb.transform([tag_lists[i] for i in tr_i]), dtype=torch.float32)
Y_va = mlb.transform([tag_lists[i] for i in va_i])

tok = build_tokenizer(texts)
enc_tr = tok([texts[i] for i in tr_i], padding=True, return_tensors="pt")
enc_va = tok([texts[i] for i in va_i], padding=True, return_tensors="pt")

cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=32)
model = Tagger(cfg, n_tags=Y_tr.shape[1])
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
bce = nn.BCEWithLogitsLoss()

for epoch in range(2):
    model.train()
    total = 0.0
    for batch, target in minibatches(enc_tr, Y_tr, size=6):
        loss = bce(model(**batch), target)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    if epoch % 3 == 0:
        print(f"epoch {epoch:2d} loss {total:.4f}")

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(**enc_va))

# per-tag threshold search on the held-out posts
grid = np.linspace(0.2, 0.8, 4)
thresholds = {}
for j, tag in enumerate(all_tags):
    col = probs[:, j].numpy()
    scores = [f1_score(Y_va[:, j], (col >= g).astype(int), zero_division=0) for g in grid]
    thresholds[tag] = float(grid[int(np.argmax(scores))])
print("thresholds:", thresholds)

pred = np.stack([(probs[:, j].numpy() >= thresholds[t]).astype(int) for j, t in enumerate(mlb.classes_)], axis=1)
print(classification_report(Y_va, pred, target_names=list(mlb.classes_), zero_division=0))
