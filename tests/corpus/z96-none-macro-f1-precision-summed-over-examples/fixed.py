"""Evaluate the product-review topic classifier (shipping / quality / price) and report macro-F1 per epoch."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

TOPICS = ["shipping", "quality", "price"]
TRAIN = [
    ("arrived two weeks late", "shipping"), ("the seams came apart", "quality"), ("way too expensive", "price"),
    ("box was crushed in transit", "shipping"), ("feels cheap and flimsy", "quality"), ("great value", "price"),
    ("courier lost the parcel", "shipping"), ("colour faded after one wash", "quality"),
]
DEV = [
    ("delivery took forever", "shipping"), ("zipper broke on day one", "quality"),
    ("overpriced for what it is", "price"),
    ("tracking never updated", "shipping"), ("stitching is solid", "quality"), ("cheaper elsewhere", "price"),
    ("package left in the rain", "shipping"), ("fair price", "price"),
]


def macro_f1(preds, labels, n_classes):
    predicted = F.one_hot(preds, n_classes).float()
    gold = F.one_hot(labels, n_classes).float()
    true_pos = (predicted * gold).sum(dim=0)
    precision = true_pos / predicted.sum(dim=0).clamp(min=1.0)
    recall = true_pos / gold.sum(dim=0).clamp(min=1.0)
    f1 = 2 * precision * recall / (precision + recall).clamp(min=1e-8)
    return f1.mean().item()


def main():
    torch.manual_seed(0)
    folder = tempfile.mkdtemp(prefix="topics-")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for t, _ in TRAIN + DEV for w in t.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))

    def collate(rows):
        texts, topics = zip(*rows)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=32, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"], torch.tensor([TOPICS.index(t) for t in topics])

    model = DistilBertForSequenceClassification(DistilBertConfig(
        vocab_size=len(tokenizer), dim=32, n_layers=1, n_heads=2, hidden_dim=64, max_position_embeddings=64,
        num_labels=len(TOPICS)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    train_loader = DataLoader(TRAIN, batch_size=4, shuffle=True, collate_fn=collate)
    dev_loader = DataLoader(DEV, batch_size=4, collate_fn=collate)

    for epoch in range(2):
        model.train()
        for ids, mask, labels in train_loader:
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            outputs = [(model(input_ids=ids, attention_mask=mask).logits.argmax(-1), labels)
                       for ids, mask, labels in dev_loader]
        preds, golds = torch.cat([p for p, _ in outputs]), torch.cat([g for _, g in outputs])
        print(f"epoch {epoch}: loss {loss.item():.3f}  dev macro-F1 {macro_f1(preds, golds, len(TOPICS)):.3f}")


if __name__ == "__main__":
    main()
