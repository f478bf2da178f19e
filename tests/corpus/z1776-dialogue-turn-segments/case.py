# Homework 4 - response selection with a tiny BERT
# given a short chat history, decide if the last message is a good reply (1) or not (0)
# based on the "BERT for dialogue" blog post, adapted to our toy chat data

import os
import tempfile
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

# ---------------- toy data ----------------
chats = [
    (["hi there", "hello how are you", "i am fine thanks"], "glad to hear that", 1),
    (["hi there", "hello how are you", "i am fine thanks"], "the train leaves at noon", 0),
    (["do you like pizza", "yes i love pizza", "what topping"], "cheese and mushrooms", 1),
    (["do you like pizza", "yes i love pizza", "what topping"], "i am fine thanks", 0),
    (["where is the station", "near the park", "how far is it"], "about ten minutes walk", 1),
    (["where is the station", "near the park", "how far is it"], "cheese and mushrooms", 0),
    (["good morning", "morning did you sleep well", "not really"], "sorry to hear that", 1),
    (["good morning", "morning did you sleep well", "not really"], "about ten minutes walk", 0),
]

# ---------------- vocab + tokenizer ----------------
words = set()
for history, reply, _ in chats:
    for utt in history + [reply]:
        words.update(utt.split())
vocab_list = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)

tmpdir = tempfile.mkdtemp()
vocab_path = os.path.join(tmpdir, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(vocab_list) + "\n")

tok = BertTokenizer(vocab_path)
print("vocab size:", len(tok))

# ---------------- encode ----------------
# every utterance gets its own segment so the model knows which turn a token is from
def encode_chat(history, reply):
    token_ids = [tok.cls_token_id]
    segment_ids = [0]
    for turn_no, utt in enumerate(history + [reply]):
        piece = tok.encode(utt, add_special_tokens=False) + [tok.sep_token_id]
        token_ids += piece
        segment_ids += [turn_no] * len(piece)
    return token_ids, segment_ids

encoded = [encode_chat(h, r) for h, r, _ in chats]
MAX_LEN = max(len(ids) for ids, _ in encoded)
print("max length:", MAX_LEN)

all_ids, all_segs, all_mask = [], [], []
for ids, segs in encoded:
    pad = MAX_LEN - len(ids)
    all_ids.append(ids + [tok.pad_token_id] * pad)
    all_segs.append(segs + [0] * pad)
    all_mask.append([1] * len(ids) + [0] * pad)

chat_ids = torch.tensor(all_ids)
chat_segments = torch.tensor(all_segs)
chat_mask = torch.tensor(all_mask)
reply_labels = torch.tensor([lab for _, _, lab in chats])

print("ids:", chat_ids.shape, "segments:", chat_segments.shape)

# ---------------- model ----------------
config = BertConfig(
    vocab_size=len(tok),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=2,
    num_labels=2,
)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

# ---------------- training ----------------
BATCH = 4
EPOCHS = 5
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(chats))
    total = 0.0
    for start in range(0, len(chats), BATCH):
        idx = perm[start:start + BATCH]
        out = model(
            input_ids=chat_ids[idx],
            token_type_ids=chat_segments[idx],
            attention_mask=chat_mask[idx],
            labels=reply_labels[idx],
        )
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        total += out.loss.item()
    print(f"epoch {epoch+1}: loss {total:.4f}")

# ---------------- evaluation ----------------
model.eval()
with torch.no_grad():
    logits = model(
        input_ids=chat_ids,
        token_type_ids=chat_segments,
        attention_mask=chat_mask,
    ).logits
preds = logits.argmax(dim=-1)
acc = (preds == reply_labels).float().mean().item()
print("train accuracy:", acc)

for (history, reply, lab), p in zip(chats, preds.tolist()):
    print(" | ".join(history), "->", reply, "gold", lab, "pred", p)
