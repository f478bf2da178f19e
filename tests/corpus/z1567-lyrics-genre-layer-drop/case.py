import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(21)

GENRES = ["country", "hiphop", "metal"]
VERSES = [
    ("dusty road and a pickup truck under the porch light", "country"),
    ("mic check the beat drops city lights never sleep", "hiphop"),
    ("thunder and steel the fire burns in the dark", "metal"),
    ("whiskey on the porch and a guitar by the fire", "country"),
    ("rhymes on the block the beat keeps the city awake", "hiphop"),
    ("iron wings of fire scream across the dark sky", "metal"),
]

out_dir = tempfile.mkdtemp()
vocab_path = os.path.join(out_dir, "vocab.txt")
lyric_words = sorted({w for v, _ in VERSES for w in v.split()})
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + lyric_words) + "\n")
lyric_tok = BertTokenizer(vocab_path)

batch = lyric_tok([v for v, _ in VERSES], padding=True, return_tensors="pt")
genre_y = torch.tensor([GENRES.index(g) for _, g in VERSES])

teacher_cfg = BertConfig(vocab_size=lyric_tok.vocab_size, hidden_size=32, num_hidden_layers=6,
                         num_attention_heads=4, intermediate_size=64, max_position_embeddings=32,
                         num_labels=len(GENRES))
teacher = BertForSequenceClassification(teacher_cfg)
opt = torch.optim.AdamW(teacher.parameters(), lr=1e-3)
for _ in range(1):
    loss = teacher(**batch, labels=genre_y).loss
    opt.zero_grad()
    loss.backward()
    opt.step()

# backbone and head are exported separately so the backbone can be shared
backbone_file = os.path.join(out_dir, "lyrics_backbone.pt")
head_file = os.path.join(out_dir, "lyrics_head.pt")
torch.save(teacher.bert.state_dict(), backbone_file)
torch.save(teacher.classifier.state_dict(), head_file)

KEEP_LAYERS = [0, 2, 5]
student_cfg = BertConfig(**{**teacher_cfg.to_dict(), "num_hidden_layers": len(KEEP_LAYERS)})
student = BertForSequenceClassification(student_cfg)

LAYER_KEY = re.compile(r"encoder\.layer\.(\d+)\.")


def remap_layers(dst_state, src_state, keep):
    """Fill every tensor of dst_state from src_state, renumbering the encoder layers."""
    filled = {}
    for name in dst_state:
        m = LAYER_KEY.search(name)
        src_name = name
        if m is not None:
            src_idx = keep[int(m.group(1))]
            src_name = name[:m.start()] + f"encoder.layer.{src_idx}." + name[m.end():]
        filled[name] = src_state[src_name].clone()
    return filled


backbone_sd = torch.load(backbone_file)
head_sd = torch.load(head_file)
student.load_state_dict(remap_layers(student.state_dict(), backbone_sd, KEEP_LAYERS))
student.classifier.load_state_dict(head_sd)

teacher.eval()
with torch.no_grad():
    soft_targets = F.softmax(teacher(**batch).logits / 2.5, dim=-1)

opt = torch.optim.AdamW(student.parameters(), lr=5e-4)
for epoch in range(2):
    logits = student(**batch).logits
    distill = F.kl_div(F.log_softmax(logits / 2.5, dim=-1), soft_targets, reduction="batchmean") * 6.25
    loss = 0.6 * distill + 0.4 * F.cross_entropy(logits, genre_y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 4 == 0:
        print(f"epoch {epoch}: {loss.item():.4f}")

student.eval()
with torch.no_grad():
    probe = lyric_tok(["fire and steel in the city"], return_tensors="pt")
    print("genre:", GENRES[student(**probe).logits.argmax(-1).item()])
