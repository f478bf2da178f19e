# Clasificador de partes de incidencias de mantenimiento ferroviario.
# Prueba rápida del bucle de entrenamiento con un BERT diminuto antes de
# lanzar el entrenamiento real con el modelo del equipo de datos.
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

CATEGORIAS = ["via", "catenaria", "material_rodante"]
longitud_maxima = 24
tamano_lote = 4

PARTES = [
    ("desgaste excesivo en el carril del anden dos", "via"),
    ("traviesa partida cerca del desvio norte", "via"),
    ("bulon suelto en la junta de la via principal", "via"),
    ("balasto hundido tras las lluvias en el kilometro doce", "via"),
    ("hilo de contacto descolgado", "catenaria"),
    ("pendola rota en el vano siete de la catenaria", "catenaria"),
    ("arco electrico observado en el seccionador de la subestacion", "catenaria"),
    ("aislador agrietado", "catenaria"),
    ("ruido en el bogie del coche tres al frenar", "material_rodante"),
    ("puerta del vagon no cierra", "material_rodante"),
    ("rueda con plano detectada en la inspeccion del taller", "material_rodante"),
    ("fuga de aire en el compresor de la locomotora", "material_rodante"),
]


def escribir_vocabulario(carpeta):
    especiales = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    palabras = sorted({p for texto, _ in PARTES for p in texto.split()})
    ruta = os.path.join(carpeta, "vocab.txt")
    with open(ruta, "w", encoding="utf-8") as f:
        f.write("\n".join(especiales + palabras) + "\n")
    return ruta


class PartesDataset(Dataset):
    def __init__(self, registros, tokenizador):
        self.registros = registros
        self.tokenizador = tokenizador
        self.indice_categoria = {c: i for i, c in enumerate(CATEGORIAS)}

    def __len__(self):
        return len(self.registros)

    def __getitem__(self, idx):
        texto, categoria = self.registros[idx]
        codificado = self.tokenizador(
            texto,
            truncation=True,
            max_length=longitud_maxima,
        )
        return {
            "input_ids": torch.tensor(codificado["input_ids"]),
            "attention_mask": torch.tensor(codificado["attention_mask"]),
            "labels": torch.tensor(self.indice_categoria[categoria]),
        }


def construir_modelo(tam_vocab):
    config = BertConfig(
        vocab_size=tam_vocab,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(CATEGORIAS),
    )
    return BertForSequenceClassification(config)


def entrenar_una_epoca(modelo, cargador, optimizador):
    modelo.train()
    perdida_total = 0.0
    for paso, lote in enumerate(cargador):
        salida = modelo(**lote)
        salida.loss.backward()
        optimizador.step()
        optimizador.zero_grad()
        perdida_total += salida.loss.item()
        print(f"  paso {paso}: perdida={salida.loss.item():.4f}")
    return perdida_total / max(1, len(cargador))


def main():
    carpeta = tempfile.mkdtemp()
    tokenizador = BertTokenizer(escribir_vocabulario(carpeta))
    print(f"Vocabulario con {tokenizador.vocab_size} entradas")

    registros = PARTES[:]
    random.shuffle(registros)
    dataset = PartesDataset(registros, tokenizador)
    cargador = DataLoader(dataset, batch_size=tamano_lote, shuffle=True)

    modelo = construir_modelo(tokenizador.vocab_size)
    optimizador = torch.optim.AdamW(modelo.parameters(), lr=5e-4)

    for epoca in range(2):
        print(f"Epoca {epoca + 1}")
        media = entrenar_una_epoca(modelo, cargador, optimizador)
        print(f"Perdida media de la epoca: {media:.4f}")

    modelo.eval()
    with torch.no_grad():
        prueba = tokenizador("catenaria con hilo descolgado", return_tensors="pt")
        pred = modelo(**prueba).logits.argmax(-1).item()
    print(f"Prediccion de prueba: {CATEGORIAS[pred]}")


if __name__ == "__main__":
    main()
