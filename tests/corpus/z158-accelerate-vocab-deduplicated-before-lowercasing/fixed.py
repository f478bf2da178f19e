"""Route live-chat messages to a team (orders / payments / account) with a small from-scratch BERT and Accelerate."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

TEAMS = ["orders", "payments", "account"]
CHATS = [
    ("Where is my order", "orders"),
    ("My order arrived broken", "orders"),
    ("I was charged twice for one order", "payments"),
    ("Why was my card declined", "payments"),
    ("Can I change my email address", "account"),
    ("I cannot log in to my account", "account"),
    ("where do I see my payment history", "payments"),
    ("my parcel is late again", "orders"),
    ("can I delete my account", "account"),
    ("why do you need my card", "payments"),
]
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(texts, folder):
    """Uncased WordPiece vocab: one entry per distinct word of the chat logs."""
    words = sorted({word.strip("?!.,").lower() for text in texts for word in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(SPECIAL_TOKENS + words) + "\n")
    return path


def batches_of(tokenizer):
    team_ids = {team: i for i, team in enumerate(TEAMS)}

    def collate(rows):
        enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([team_ids[team] for _, team in rows])
        return enc
    return collate


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    vocab_path = write_vocab([text for text, _ in CHATS], tempfile.mkdtemp())
    tokenizer = BertTokenizerFast(vocab_path, do_lower_case=True)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32, num_labels=len(TEAMS))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loader = DataLoader(CHATS, batch_size=4, shuffle=True, collate_fn=batches_of(tokenizer))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(3):
        total = 0.0
        for batch in loader:
            outputs = model(**batch)
            accelerator.backward(outputs.loss)
            optimizer.step()
            optimizer.zero_grad()
            total += outputs.loss.item()
        accelerator.print(f"epoch {epoch}: {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
