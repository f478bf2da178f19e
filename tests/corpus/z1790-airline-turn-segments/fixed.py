"""Intent classification on the latest user turn of an airline support chat,
conditioned on the preceding turns. Segment embeddings tell the encoder who spoke.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

SPEAKERS = ["customer", "agent"]
INTENTS = ["rebook_flight", "baggage_claim", "seat_upgrade", "refund_request"]

CHATS = [
    ([("customer", "my flight to boston was cancelled"),
      ("agent", "sorry to hear that what is your booking code"),
      ("customer", "it is k7 and i need a new flight tomorrow")], "rebook_flight"),
    ([("customer", "my bag did not arrive"),
      ("agent", "which flight were you on"),
      ("customer", "the morning flight from denver")], "baggage_claim"),
    ([("customer", "can i get a window seat in business"),
      ("agent", "let me check availability"),
      ("customer", "ok"),
      ("agent", "there is one seat for an extra fee"),
      ("customer", "yes please upgrade me")], "seat_upgrade"),
    ([("customer", "i want my money back for the cancelled flight")], "refund_request"),
]

WORDS = sorted({w for chat, _ in CHATS for _, text in chat for w in text.split()})


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def encode_chat(tok, chat, max_len):
    pieces, segments = [tok.cls_token_id], [0]
    for turn_no, (speaker, text) in enumerate(chat):
        turn_ids = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        pieces.extend(turn_ids)
        segments.extend([SPEAKERS.index(speaker)] * len(turn_ids))
    return pieces[:max_len], segments[:max_len]


def collate(tok, chats, max_len=64):
    encoded = [encode_chat(tok, chat, max_len) for chat, _ in chats]
    width = max(len(p) for p, _ in encoded)
    token_rows, seg_rows, mask_rows = [], [], []
    for pieces, segments in encoded:
        pad = width - len(pieces)
        token_rows.append(pieces + [tok.pad_token_id] * pad)
        seg_rows.append(segments + [0] * pad)
        mask_rows.append([1] * len(pieces) + [0] * pad)
    targets = torch.tensor([INTENTS.index(label) for _, label in chats])
    return torch.tensor(token_rows), torch.tensor(seg_rows), torch.tensor(mask_rows), targets


class ChatIntentModel(nn.Module):
    def __init__(self, cfg, n_intents):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=True)
        self.classifier = nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg.hidden_size, n_intents))

    def forward(self, tokens, speaker_segments, mask):
        out = self.encoder(input_ids=tokens, token_type_ids=speaker_segments, attention_mask=mask)
        return self.classifier(out.pooler_output)


def main():
    folder = tempfile.mkdtemp(prefix="airline_chat_")
    tok = BertTokenizer(write_vocab(folder))
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(SPEAKERS),
    )
    model = ChatIntentModel(cfg, len(INTENTS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss()

    tokens, segs, mask, targets = collate(tok, CHATS)
    print("batch", tuple(tokens.shape))

    for epoch in range(5):
        model.train()
        optimizer.zero_grad()
        logits = model(tokens, segs, mask)
        loss = criterion(logits, targets)
        loss.backward()
        optimizer.step()
        acc = (logits.argmax(-1) == targets).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.4f} acc {acc:.2f}")

    model.eval()
    with torch.no_grad():
        preds = model(tokens, segs, mask).argmax(-1)
    for (chat, gold), p in zip(CHATS, preds.tolist()):
        print(f"{chat[-1][1]!r}: gold={gold} pred={INTENTS[p]}")


if __name__ == "__main__":
    main()
