# ferry FAQ relevance: (route, question, answer) -> does the answer fit? hackathon build, accelerate loop
import os, random, tempfile
import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HP = {
    "seed": 11,
    "hid": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "max_pos": 64,
    "n_types": 2,      # same as bert-base, so we can swap the checkpoint in later
    "bs": 4,
    "lr": 3e-4,
    "epochs": 2,
}
random.seed(HP["seed"]); torch.manual_seed(HP["seed"])

ROUTES = ["harbour to north isle", "mainland to west quay", "south pier to lighthouse rock"]
QA = [
    ("can i bring a bicycle", "bikes travel free on the car deck", 1),
    ("is there a cafe on board", "hot drinks are sold in the lounge", 1),
    ("when is the last sailing", "the final boat leaves at nine pm", 1),
    ("are dogs allowed", "dogs on a lead are welcome outside", 1),
    ("can i bring a bicycle", "the final boat leaves at nine pm", 0),
    ("is there a cafe on board", "dogs on a lead are welcome outside", 0),
    ("when is the last sailing", "bikes travel free on the car deck", 0),
    ("are dogs allowed", "hot drinks are sold in the lounge", 0),
]
rows = [(r, q, a, y) for r in ROUTES for q, a, y in QA]
random.shuffle(rows)

words = sorted({w for r, q, a, _ in rows for w in f"{r} {q} {a}".split()})
tmp = tempfile.mkdtemp()
vpath = os.path.join(tmp, "vocab.txt")
with open(vpath, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(vpath)


def encode(*parts):
    # [CLS] route [SEP] question [SEP] answer [SEP]
    # route + question are sentence A, the answer is sentence B
    ids, segs = [tok.cls_token_id], [0]
    for k, p in enumerate(parts):
        piece = tok.convert_tokens_to_ids(tok.tokenize(p)) + [tok.sep_token_id]
        ids += piece
        segs += [0 if k < len(parts) - 1 else 1] * len(piece)
    return ids, segs


data = [(*encode(r, q, a), y) for r, q, a, y in rows]
print("examples", len(data), "longest", max(len(d[0]) for d in data))


def collate(batch):
    L = max(len(ids) for ids, _, _ in batch)
    pad = lambda xs, v: xs + [v] * (L - len(xs))
    return {
        "input_ids": torch.tensor([pad(ids, tok.pad_token_id) for ids, _, _ in batch]),
        "token_type_ids": torch.tensor([pad(s, 0) for _, s, _ in batch]),
        "attention_mask": torch.tensor([pad([1] * len(ids), 0) for ids, _, _ in batch]),
        "labels": torch.tensor([y for _, _, y in batch]),
    }


dl = DataLoader(data, batch_size=HP["bs"], shuffle=True, collate_fn=collate)

cfg = BertConfig(vocab_size=len(tok), hidden_size=HP["hid"], num_hidden_layers=HP["layers"],
                 num_attention_heads=HP["heads"], intermediate_size=HP["ffn"],
                 max_position_embeddings=HP["max_pos"], type_vocab_size=HP["n_types"], num_labels=2)
net = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(net.parameters(), lr=HP["lr"])

acc = Accelerator(cpu=True)
net, opt, dl = acc.prepare(net, opt, dl)

for ep in range(HP["epochs"]):
    net.train()
    tot, n = 0.0, 0
    for step, b in enumerate(dl):
        out = net(**b)
        acc.backward(out.loss)
        opt.step(); opt.zero_grad()
        tot += out.loss.item(); n += 1
        if step % 4 == 0:
            acc.print(f"ep {ep} step {step} loss {out.loss.item():.4f}")
    acc.print(f"epoch {ep} mean loss {tot / n:.4f}")

# quick accuracy on the train set, it's a demo
net.eval()
hit = 0
with torch.no_grad():
    for b in dl:
        pr = net(**{k: v for k, v in b.items() if k != "labels"}).logits.argmax(-1)
        hit += (pr == b["labels"]).sum().item()
acc.print(f"train acc {hit / len(data):.3f}")
