# Triage of ship engine-room log entries into the subsystem that needs attention.
# Tiny BERT from scratch, HF Trainer, macro-F1 + accuracy at the end of each epoch.
import os
import re
import tempfile
import logging

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("engine-room")
set_seed(13)

SUBSYSTEMS = ["fuel", "cooling", "electrical", "lubrication"]

LOG_ENTRIES = [
    ("fuel oil purifier tripped on high differential pressure", "fuel"),
    ("sludge found in day tank drain water separator", "fuel"),
    ("injector leak off pipe cracked unit three", "fuel"),
    ("booster pump suction filter clogged", "fuel"),
    ("jacket water temperature alarm main engine", "cooling"),
    ("sea water strainer blocked with weed", "cooling"),
    ("expansion tank level low topped up", "cooling"),
    ("central cooler outlet temperature rising", "cooling"),
    ("shaft generator breaker tripped on overload", "electrical"),
    ("earth fault indicated on 440 volt switchboard", "electrical"),
    ("emergency generator failed to start on test", "electrical"),
    ("battery charger fault alarm bridge panel", "electrical"),
    ("crankcase oil mist detector alarm", "lubrication"),
    ("stern tube lube oil header tank low", "lubrication"),
    ("turbocharger lube oil pressure dropping", "lubrication"),
    ("main bearing temperature high oil sample taken", "lubrication"),
]
EVAL_ENTRIES = [
    ("purifier bowl cleaned fuel oil sludge removed", "fuel"),
    ("jacket water pump gland leaking", "cooling"),
    ("switchboard insulation low earth fault", "electrical"),
    ("lube oil filter differential pressure high", "lubrication"),
    ("day tank fuel temperature low heater off", "fuel"),
    ("sea water pump cooling flow reduced", "cooling"),
    ("generator voltage regulator fault", "electrical"),
    ("oil mist detector reading high crankcase", "lubrication"),
    ("injector pipe leak fuel found in tray", "fuel"),
    ("battery charger output low emergency panel", "electrical"),
]


def write_vocab(texts, folder):
    tokens = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens))
    return path


class LogbookDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len)
        self.targets = [SUBSYSTEMS.index(r[1]) for r in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def macro_f1(pred_ids, gold, n_classes):
    scores = []
    for c in range(n_classes):
        tp = ((pred_ids == c) & (gold == c)).sum().item()
        fp = ((pred_ids == c) & (gold != c)).sum().item()
        fn = ((pred_ids != c) & (gold == c)).sum().item()
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / n_classes


def compute_metrics(eval_pred):
    logits = torch.as_tensor(eval_pred.predictions)
    gold = torch.as_tensor(eval_pred.label_ids)
    pred_ids = logits.argmax(dim=-1)
    return {
        "accuracy": (pred_ids == gold).float().mean().item(),
        "macro_f1": macro_f1(pred_ids, gold, len(SUBSYSTEMS)),
    }


def main():
    tmp = tempfile.mkdtemp(prefix="engine-room-")
    vocab_path = write_vocab([t for t, _ in LOG_ENTRIES + EVAL_ENTRIES], tmp)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(SUBSYSTEMS))
    model = BertForSequenceClassification(config)

    train_ds = LogbookDataset(LOG_ENTRIES, tokenizer)
    eval_ds = LogbookDataset(EVAL_ENTRIES, tokenizer)
    log.info("train=%d eval=%d vocab=%d", len(train_ds), len(eval_ds), tokenizer.vocab_size)

    args = TrainingArguments(
        output_dir=os.path.join(tmp, "out"),
        num_train_epochs=2,
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        learning_rate=5e-4,
        eval_strategy="epoch",
        save_strategy="no",
        logging_steps=2,
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      compute_metrics=compute_metrics)
    trainer.train()
    final = trainer.evaluate()
    log.info("final: %s", {k: round(v, 3) for k, v in final.items()})


if __name__ == "__main__":
    main()
