"""Route customer e-mails to one of six departments; focal loss for the rare departments, trained with Accelerate."""
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

DEPARTMENTS = ["billing", "shipping", "returns", "technical", "sales", "legal"]
EMAILS = [
    ("i was charged twice this month", "billing"), ("my parcel has not arrived yet", "shipping"),
    ("the router keeps dropping the connection", "technical"), ("we received a subpoena regarding an account", "legal"),
    ("can i get a quote for fifty licences", "sales"), ("i want to send back the shoes", "returns"),
    ("invoice shows the wrong vat number", "billing"), ("the tracking number does not work", "shipping"),
]


def focal_loss(logits, targets, gamma=2.0):
    log_probs = logits.log_softmax(dim=-1)
    log_pt = log_probs.gather(0, targets.unsqueeze(1)).squeeze(1)
    return (-(1 - log_pt.exp()) ** gamma * log_pt).mean()


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        words = sorted({w for text, _ in EMAILS for w in text.split()})
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(vocab_path)

    def collate(rows):
        enc = tokenizer([text for text, _ in rows], padding=True, truncation=True, max_length=32,
                        return_tensors="pt")
        enc["labels"] = torch.tensor([DEPARTMENTS.index(dept) for _, dept in rows])
        return enc

    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(DEPARTMENTS)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(EMAILS, batch_size=4, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    model.train()
    for epoch in range(3):
        for batch in loader:
            labels = batch.pop("labels")
            loss = focal_loss(model(**batch).logits, labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: focal loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
