"""Inference: extract skill mentions from job ads with a tiny ELECTRA token classifier."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import ElectraConfig, ElectraForTokenClassification, ElectraTokenizer

torch.manual_seed(0)
MAX_LEN = 32
LABELS = ["O", "B-SKILL", "I-SKILL"]
WORDS = "we need python and sql experience with machine learning is a plus docker kubernetes required".split()

vocab_txt = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_txt, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
tokenizer = ElectraTokenizer(vocab_txt)
config = ElectraConfig(vocab_size=len(tokenizer), embedding_size=32, hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                       num_labels=len(LABELS))
model = ElectraForTokenClassification(config).eval()


def extract_skills(ads):
    enc = tokenizer(ads, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    with torch.no_grad():
        pred = model(**enc).logits.argmax(-1)
    results = []
    for b in range(len(ads)):
        tokens = []
        for t in range(MAX_LEN):
            if enc.attention_mask[b, t] and LABELS[pred[b, t]] != "O":
                tokens.append(tokenizer.convert_ids_to_tokens(int(enc.input_ids[b, t])))
        results.append(tokens)
    return results


ads = ["we need python and sql experience", "docker kubernetes required machine learning is a plus"]
print(extract_skills(ads))
