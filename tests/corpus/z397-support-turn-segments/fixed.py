"""Predict the resolution outcome of a customer-support chat (resolved / escalated / refund / churned).

Each chat has several turns (customer, agent, customer, ...). Turns are joined into one BERT input and
every turn gets its own segment id so the encoder can tell who said what and when.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

OUTCOMES = ["resolved", "escalated", "refund", "churned"]
WORDS = (
    "my order has not arrived yet the tracking number shows delivered but nothing at door "
    "please check account invoice charged twice cancel subscription refund request sorry for "
    "trouble let me look into this i have escalated ticket to billing team can you confirm "
    "email address thanks for waiting router modem restart password reset works now still broken"
).split()
MAX_LEN = 64
MAX_TURNS = 5


def write_vocab(folder):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def fake_chat():
    n_turns = random.randint(2, MAX_TURNS)
    turns = [" ".join(random.choices(WORDS, k=random.randint(3, 9))) for _ in range(n_turns)]
    return turns, random.randrange(len(OUTCOMES))


def encode_chat(tokenizer, turns, max_len=MAX_LEN):
    input_ids = [tokenizer.cls_token_id]
    segment_ids = [0]
    for turn_idx, turn in enumerate(turns):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(turn)) + [tokenizer.sep_token_id]
        input_ids += piece
        segment_ids += [turn_idx] * len(piece)
    input_ids, segment_ids = input_ids[:max_len], segment_ids[:max_len]
    return input_ids, segment_ids


def make_batch(tokenizer, chats):
    encoded = [encode_chat(tokenizer, turns) for turns, _ in chats]
    width = max(len(ids) for ids, _ in encoded)
    ids = torch.zeros(len(chats), width, dtype=torch.long)
    segs = torch.zeros(len(chats), width, dtype=torch.long)
    attn = torch.zeros(len(chats), width, dtype=torch.long)
    for row, (tok, seg) in enumerate(encoded):
        ids[row, : len(tok)] = torch.tensor(tok)
        segs[row, : len(seg)] = torch.tensor(seg)
        attn[row, : len(tok)] = 1
    labels = torch.tensor([label for _, label in chats])
    return ids, segs, attn, labels


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LEN,
        type_vocab_size=MAX_TURNS,
        num_labels=len(OUTCOMES),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    chats = [fake_chat() for _ in range(16)]
    batch_size = 8
    model.train()
    for epoch in range(1):
        random.shuffle(chats)
        epoch_loss = 0.0
        for start in range(0, len(chats), batch_size):
            ids, segs, attn, labels = make_batch(tokenizer, chats[start : start + batch_size])
            out = model(input_ids=ids, token_type_ids=segs, attention_mask=attn, labels=labels)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            epoch_loss += out.loss.item()
        print(f"epoch {epoch} mean loss {epoch_loss / (len(chats) // batch_size):.4f}")


if __name__ == "__main__":
    main()
