"""Prompt-based (PET-style) zero-shot labelling of support messages with a masked LM: two [MASK] slots per prompt."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

torch.manual_seed(0)
TEMPLATE = "topic : [MASK] tone : [MASK] . {}"
TOPIC_WORDS = ["billing", "delivery", "login"]
TONE_WORDS = ["calm", "angry"]
MESSAGES = [
    "i was charged twice and nobody replies",
    "my parcel has not arrived yet",
    "cannot sign in since the update",
    "please resend the invoice",
]


def build_tokenizer():
    words = sorted({w for m in MESSAGES for w in m.split()} | set(TOPIC_WORDS) | set(TONE_WORDS) | {"topic", "tone"})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ":", "."] + words) + "\n")
    return BertTokenizerFast(path)


@torch.no_grad()
def label_messages(model, tokenizer, messages):
    enc = tokenizer([TEMPLATE.format(m) for m in messages], padding=True, return_tensors="pt")
    slots = (enc["input_ids"][0] == tokenizer.mask_token_id).nonzero().squeeze(1)
    logits = model(**enc).logits
    slot_logits = logits.index_select(0, slots)
    topic_ids = tokenizer.convert_tokens_to_ids(TOPIC_WORDS)
    tone_ids = tokenizer.convert_tokens_to_ids(TONE_WORDS)
    topics = slot_logits[:, 0, topic_ids].argmax(-1)
    tones = slot_logits[:, 1, tone_ids].argmax(-1)
    return [(TOPIC_WORDS[t], TONE_WORDS[s]) for t, s in zip(topics.tolist(), tones.tolist())]


tokenizer = build_tokenizer()
mlm = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)).eval()
for message, (topic, tone) in zip(MESSAGES, label_messages(mlm, tokenizer, MESSAGES)):
    print(f"{topic:9s} {tone:6s} {message}")
