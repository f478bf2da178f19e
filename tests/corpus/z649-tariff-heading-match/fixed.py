import os, tempfile, random
from dataclasses import dataclass
from functools import partial
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11); random.seed(11)

# (goods description, candidate HS heading text, origin note, is_match)
PAIRS = [
    ("frozen boneless cod fillets", "fish fillets frozen", "origin norway", 1),
    ("frozen boneless cod fillets", "live ornamental fish", "origin norway", 0),
    ("cotton knitted t shirts", "t shirts knitted cotton", "origin bangladesh", 1),
    ("cotton knitted t shirts", "woven silk fabrics", "origin bangladesh", 0),
    ("lithium ion battery packs", "lithium ion accumulators", "origin china", 1),
    ("lithium ion battery packs", "primary cells manganese", "origin china", 0),
    ("roasted arabica coffee beans", "coffee roasted not decaffeinated", "origin brazil", 1),
    ("roasted arabica coffee beans", "tea green fermented", "origin brazil", 0),
    ("stainless steel cutlery sets", "table knives stainless steel", "origin germany", 1),
    ("stainless steel cutlery sets", "aluminium foil rolls", "origin germany", 0),
]
FIELDS = ("goods", "heading", "origin")

@dataclass
class Encoded:
    ids: list
    segs: list
    label: int

def make_vocab(rows):
    words = sorted({w for r in rows for part in r[:3] for w in part.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)

def encode(tok, row):
    ids, segs = [tok.cls_token_id], [0]
    for seg, text in enumerate(row[:3]):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids += piece
        segs += [seg] * len(piece)
    return Encoded(ids, segs, row[3])

def collate(batch, pad_id):
    width = max(len(e.ids) for e in batch)
    pad = lambda xs, v: xs + [v] * (width - len(xs))
    return {
        "input_ids": torch.tensor([pad(e.ids, pad_id) for e in batch]),
        "token_type_ids": torch.tensor([pad(e.segs, 0) for e in batch]),
        "attention_mask": torch.tensor([pad([1] * len(e.ids), 0) for e in batch]),
        "target": torch.tensor([e.label for e in batch], dtype=torch.float),
    }

class HeadingMatcher(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.score = torch.nn.Linear(cfg.hidden_size, 1)
    def forward(self, target=None, **enc):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.score(cls).squeeze(-1)

accelerator = Accelerator(cpu=True)
tok = make_vocab(PAIRS)
data = [encode(tok, r) for r in PAIRS]
loader = DataLoader(data, batch_size=4, shuffle=True, collate_fn=partial(collate, pad_id=tok.pad_token_id))

cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, type_vocab_size=len(FIELDS))
model = HeadingMatcher(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
model, opt, loader = accelerator.prepare(model, opt, loader)

accelerator.print(f"{len(data)} pairs, vocab {tok.vocab_size}, fields {FIELDS}")
for epoch in range(3):
    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        logits = model(**batch)
        loss = F.binary_cross_entropy_with_logits(logits, batch["target"])
        accelerator.backward(loss)
        opt.step(); opt.zero_grad()
        running += loss.item()
    accelerator.print(f"epoch {epoch} loss {running / (step + 1):.4f}")

model.eval()
with torch.no_grad():
    probe = collate([encode(tok, PAIRS[0]), encode(tok, PAIRS[1])], tok.pad_token_id)
    scores = torch.sigmoid(model(**{k: v.to(accelerator.device) for k, v in probe.items()}))
accelerator.print("match scores:", [round(s, 3) for s in scores.tolist()])
