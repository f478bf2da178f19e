"""Intent detection for the shop's chat widget, trained with Accelerate and checked on the dev split."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

TRAIN = [
    ("where is my parcel", "track_order"), ("has my order shipped yet", "track_order"),
    ("i want my money back", "refund"), ("please refund the broken mug", "refund"),
    ("do you have this in blue", "product_question"), ("is the jacket waterproof", "product_question"),
    ("change my delivery address", "update_address"), ("i moved please update my address", "update_address"),
]
DEV = [
    ("when will my order arrive", "track_order"),
    ("can i get a refund for the shoes", "refund"),
    ("please cancel my last order", "cancel_order"),
    ("is the lamp dimmable", "product_question"),
]


def encode_split(rows, tokenizer, label2id):
    examples = []
    for text, intent in rows:
        features = tokenizer(text, truncation=True, max_length=24)
        features["labels"] = label2id.setdefault(intent, len(label2id))
        examples.append(features)
    return examples


def make_loader(examples, tokenizer, shuffle):
    return DataLoader(examples, batch_size=4, shuffle=shuffle,
                      collate_fn=lambda feats: tokenizer.pad(feats, return_tensors="pt"))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    for batch in loader:
        out = model(**batch)
        loss_sum += out.loss.item() * len(batch["labels"])
        correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        total += len(batch["labels"])
    return loss_sum / total, correct / total


def main():
    accelerator = Accelerator(cpu=True)
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="intents-")
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for t, _ in TRAIN + DEV for w in t.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

    label2id = {}
    train_examples = encode_split(TRAIN, tokenizer, label2id)
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(label2id)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    train_loader = make_loader(train_examples, tokenizer, shuffle=True)
    model, optimizer, train_loader = accelerator.prepare(model, optimizer, train_loader)

    for epoch in range(3):
        model.train()
        for batch in train_loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()

    dev_loader = accelerator.prepare(make_loader(encode_split(DEV, tokenizer, label2id), tokenizer, shuffle=False))
    dev_loss, dev_acc = evaluate(model, dev_loader)
    accelerator.print(f"dev loss {dev_loss:.3f}  accuracy {dev_acc:.2f}  intents {list(label2id)}")


if __name__ == "__main__":
    main()
