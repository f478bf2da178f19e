# hive inspection notes -> triage bucket. quick hack for the apiary co-op demo day
import os, random, tempfile
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

# buckets the inspectors use on the paper form
BUCKETS = ["ok", "swarm_risk", "varroa", "low_stores"]

HP = {
    "seed": 7,
    "max_len": 24,
    "hid": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "num_labels": len(BUCKETS),
    "lr": 5e-4,
    "bs": 4,
    "epochs": 1,
}

random.seed(HP["seed"]); torch.manual_seed(HP["seed"])

B2I = {b: i for i, b in enumerate(BUCKETS)}

RAW = [
    ("brood pattern solid queen seen calm colony", "ok"),
    ("eggs present frames full of capped brood", "ok"),
    ("queen cells on bottom bars colony crowded", "swarm_risk"),
    ("many queen cells drones everywhere crowded box", "swarm_risk"),
    ("mites on drone brood deformed wings seen", "varroa"),
    ("sugar roll count high mites on bees", "varroa"),
    ("honey frames empty little pollen light hive", "low_stores"),
    ("light hive no capped honey bees clustering", "low_stores"),
]
RAW = RAW * 3
random.shuffle(RAW)

words = sorted({w for t, _ in RAW for w in t.split()})
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(VOCAB) + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))
print("vocab", len(tok))

enc = tok([t for t, _ in RAW], padding="max_length", truncation=True,
          max_length=HP["max_len"], return_tensors="pt")
ys = [B2I[b] for _, b in RAW]


class HiveDS(torch.utils.data.Dataset):
    def __init__(self, idx):
        self.idx = idx
    def __len__(self):
        return len(self.idx)
    def __getitem__(self, i):
        j = self.idx[i]
        return {"input_ids": enc["input_ids"][j],
                "attention_mask": enc["attention_mask"][j],
                "token_type_ids": enc["token_type_ids"][j],
                "labels": torch.tensor(ys[j])}


cut = int(len(RAW) * 0.75)
tr_ds = HiveDS(list(range(cut)))
ev_ds = HiveDS(list(range(cut, len(RAW))))
print("train", len(tr_ds), "eval", len(ev_ds))

cfg = BertConfig(vocab_size=len(tok), hidden_size=HP["hid"], num_hidden_layers=HP["layers"],
                 num_attention_heads=HP["heads"], intermediate_size=HP["ffn"],
                 max_position_embeddings=64, num_labels=HP["num_labels"])
model = BertForSequenceClassification(cfg)

args = TrainingArguments(
    output_dir=os.path.join(tmp, "out"),
    per_device_train_batch_size=HP["bs"],
    per_device_eval_batch_size=HP["bs"],
    num_train_epochs=HP["epochs"],
    learning_rate=HP["lr"],
    logging_steps=2,
    save_strategy="no",
    eval_strategy="no",
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
    seed=HP["seed"],
)

tr = Trainer(model=model, args=args, train_dataset=tr_ds, eval_dataset=ev_ds)
out = tr.train()
print("train loss", round(out.training_loss, 4))

m = tr.evaluate()
print("eval", {k: round(v, 4) for k, v in m.items() if isinstance(v, float)})

# eyeball a couple of predictions for the slide
model.eval()
with torch.no_grad():
    b = ev_ds[0]
    lg = model(**{k: v.unsqueeze(0) for k, v in b.items() if k != "labels"}).logits
print("pred", BUCKETS[lg.argmax(-1).item()], "gold", BUCKETS[b["labels"].item()])
