import os, random, tempfile, logging
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, DataCollatorWithPadding)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("defect-triage")
random.seed(7); torch.manual_seed(7)

# CMMS export: (inspector note, defect code)
DEFECT_CODES = {1: "rail_head_check", 2: "loose_fastener", 3: "ballast_fouling", 4: "weld_crack"}
RECORDS = [
    ("gauge corner cracking visible over 3m near km 41", 1),
    ("two clips missing on sleeper 118 up line", 2),
    ("mud pumping at crossing, ballast fouled", 3),
    ("thermite weld shows vertical crack at foot", 4),
    ("head checks spreading on high rail of curve", 1),
    ("fastener bolt loose, rail moving under load", 2),
    ("fines accumulating, drainage blocked near culvert", 3),
    ("flash butt weld crack detected by ultrasonic car", 4),
    ("rolling contact fatigue on outer rail", 1),
    ("clip broken on sleeper 22 down line", 2),
    ("ballast shoulder contaminated with clay", 3),
    ("weld crack reported by patrol at km 12", 4),
]

def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.lower().replace(",", " ").split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)

class WorkOrderDataset(Dataset):
    def __init__(self, rows, tok, max_len=32):
        self.items = [{**tok(note, truncation=True, max_length=max_len), "labels": code} for note, code in rows]
    def __len__(self): return len(self.items)
    def __getitem__(self, i): return self.items[i]

tok = build_tokenizer([r[0] for r in RECORDS])
random.shuffle(RECORDS)
split = int(0.75 * len(RECORDS))
train_ds, eval_ds = (WorkOrderDataset(RECORDS[:split], tok), WorkOrderDataset(RECORDS[split:], tok))
log.info("train=%d eval=%d vocab=%d", len(train_ds), len(eval_ds), tok.vocab_size)

cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(DEFECT_CODES),
                 id2label={i: n for i, n in enumerate(DEFECT_CODES.values())},
                 label2id={n: i for i, n in enumerate(DEFECT_CODES.values())})
model = BertForSequenceClassification(cfg)

accuracy = lambda p: {"acc": float((p.predictions.argmax(-1) == p.label_ids).mean())}

args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4, per_device_eval_batch_size=4,
                         num_train_epochs=2, learning_rate=5e-4, logging_steps=1, save_strategy="no",
                         eval_strategy="epoch", disable_tqdm=True, report_to=[], use_cpu=True, seed=7)
trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                  data_collator=DataCollatorWithPadding(tok), compute_metrics=accuracy)
trainer.train()
metrics = trainer.evaluate()
log.info("final eval: %s", {k: round(v, 4) for k, v in metrics.items() if isinstance(v, float)})
