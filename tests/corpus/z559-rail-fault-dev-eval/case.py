"""Route rail-infrastructure fault reports to the right maintenance crew.

Tiny BERT classifier trained with Accelerate; dev accuracy is checked after
every epoch and the best epoch is remembered.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(5)

CREWS = ["track", "signalling", "overhead_line"]

TRAIN = [
    ("broken rail joint near milepost forty", "track"),
    ("signal stuck at danger approaching junction", "signalling"),
    ("contact wire sagging between masts", "overhead_line"),
    ("ballast washed out after heavy rain", "track"),
    ("track circuit showing occupied with no train", "signalling"),
    ("pantograph damage reported dropper missing", "overhead_line"),
    ("gauge spread on curve sleepers rotten", "track"),
    ("points failed to detect in reverse", "signalling"),
    ("insulator flashover burn marks on mast", "overhead_line"),
    ("rail head cracking squats on up line", "track"),
    ("axle counter reset required after storm", "signalling"),
    ("catenary tension weight jammed", "overhead_line"),
]
DEV = [
    ("sleepers cracked under joint", "track"),
    ("signal lamp out at junction", "signalling"),
    ("wire down between masts after storm", "overhead_line"),
    ("ballast missing on curve", "track"),
    ("points not detected at junction", "signalling"),
    ("dropper broken near mast", "overhead_line"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer):
    def collate(pairs):
        enc = tokenizer([p[0] for p in pairs], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([CREWS.index(p[1]) for p in pairs])
        return dict(enc)
    return collate


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab([t for t, _ in TRAIN + DEV]))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(CREWS))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    collate = make_collate(tokenizer)
    train_dl = DataLoader(TRAIN, batch_size=4, shuffle=True, collate_fn=collate)
    dev_dl = DataLoader(DEV, batch_size=3, collate_fn=collate)
    model, optimizer, train_dl, dev_dl = accelerator.prepare(model, optimizer, train_dl, dev_dl)

    best_acc, best_epoch = -1.0, None
    dev_gold = []
    for epoch in range(3):
        model.train()
        running = 0.0
        for batch in train_dl:
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch} train loss {running / len(train_dl):.4f}")

        model.eval()
        dev_pred = []
        for batch in dev_dl:
            with torch.no_grad():
                logits = model(input_ids=batch["input_ids"],
                               attention_mask=batch["attention_mask"],
                               token_type_ids=batch["token_type_ids"]).logits
            preds, golds = accelerator.gather_for_metrics((logits.argmax(-1), batch["labels"]))
            dev_pred.append(preds)
            dev_gold.append(golds)
        acc = (torch.cat(dev_pred) == torch.cat(dev_gold)).float().mean().item()
        accelerator.print(f"epoch {epoch} dev accuracy {acc:.3f}")
        if acc > best_acc:
            best_acc, best_epoch = acc, epoch

    accelerator.print(f"best dev accuracy {best_acc:.3f} at epoch {best_epoch}")


if __name__ == "__main__":
    main()
