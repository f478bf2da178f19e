"""Embed pharmacy product notes with a sentence-transformers model after teaching its tokenizer some drug names."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.models import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

BASE_WORDS = ("take one tablet daily with food for pain relief do not exceed the dose ask your doctor "
              "before use children under twelve keep away from heat store below degrees").split()
DOMAIN_TERMS = ["ibuprofen", "paracetamol", "amoxicillin", "loratadine"]

NOTES = [
    "take one tablet daily with food",
    "ibuprofen for pain relief do not exceed the dose",
    "paracetamol children under twelve ask your doctor",
    "store amoxicillin below degrees keep away from heat",
    "loratadine take one tablet daily",
    "ask your doctor before use",
]


def save_base_encoder(folder):
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(BASE_WORDS))) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


def load_encoder(folder):
    word_model = Transformer(folder, max_seq_length=32)
    # drug names would otherwise be split into [UNK]; keep them as whole tokens
    added = word_model.tokenizer.add_tokens(DOMAIN_TERMS)
    print(f"added {added} domain terms, tokenizer size {len(word_model.tokenizer)}")
    pooling = Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


save_base_encoder(WORK)
encoder = load_encoder(WORK)
note_emb = encoder.encode(NOTES, batch_size=4, convert_to_tensor=True, normalize_embeddings=True)
query = encoder.encode(["pain relief tablet"], convert_to_tensor=True, normalize_embeddings=True)
best = (query @ note_emb.T).argmax().item()
print("best match:", NOTES[best])
